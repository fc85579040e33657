'use strict';
// Shared by provpt's status pages: the token bar, API calls, formatting, charts with axes and the
// cancel button. Everything a page shows comes from the daemon's JSON (GET /status/...); data is
// always put into the page as text, never as HTML.

const TOKEN_KEY = 'provpt-token';
const SVG_NS = 'http://www.w3.org/2000/svg';

// A token passed as #token=... (the fragment never reaches the server) is kept for this tab and
// taken out of the address bar.
function takeTokenFromFragment() {
  const match = location.hash.match(/(?:^#|&)token=([^&]*)/);
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

class Unauthorized extends Error {}

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (token()) headers['Authorization'] = 'Bearer ' + token();
  const response = await fetch(path, Object.assign({}, options, {headers}));
  showAuth(response.status === 401);
  if (response.status === 401) throw new Unauthorized('a bearer token is required');
  return response;
}

async function apiJson(path) {
  const response = await api(path);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || ('HTTP ' + response.status));
  return body;
}

function showAuth(refused) {
  const state = document.getElementById('auth-state');
  state.textContent = refused
    ? (token() ? 'the daemon refused this token: enter the right one' : 'this daemon wants a bearer token: enter it')
    : (token() ? 'token set for this tab' : '');
  state.className = refused ? 'auth-needed' : '';
}

// el('td', {className: 'num'}, 'text', child, ...): an element with properties and children (strings become text).
function el(tag, props, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const child of children) {
    if (child != null) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function svg(tag, attributes, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
  if (text != null) node.textContent = text;
  return node;
}

function fraction(value) {
  return value == null ? '' : value.toFixed(4);
}

function duration(seconds) {
  if (seconds == null) return '';
  const s = Math.round(seconds);
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + String(s % 60).padStart(2, '0') + ' s';
  return Math.floor(s / 3600) + ' h ' + String(Math.floor(s / 60) % 60).padStart(2, '0') + ' min';
}

// On a cluster a node is address#uid: the host:port part; a single node is "local".
function nodeName(node) {
  if (!node) return '';
  return node.includes('@') ? node.substring(node.indexOf('@') + 1).split('#')[0] : node;
}

// The bar above every page: a link home, the token field, whether the token works, when it was refreshed.
function tokenBar(onToken) {
  const input = el('input', {id: 'token', type: 'password', autocomplete: 'off', placeholder: 'bearer token'});
  const form = el('form', {id: 'token-form'}, input, el('button', {type: 'submit'}, 'use token'),
    el('button', {type: 'button', id: 'forget-token', onclick: () => {
      sessionStorage.removeItem(TOKEN_KEY);
      onToken();
    }}, 'forget'));
  form.addEventListener('submit', event => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, input.value);
    input.value = '';
    onToken();
  });
  const bar = el('nav', {id: 'bar'}, el('a', {href: '/'}, 'all jobs'), form, el('span', {id: 'auth-state'}),
    el('span', {id: 'updated'}));
  document.body.prepend(bar);
}

// Runs refresh() now and every 2 s, one at a time; says when it last worked or why not.
let redrawPage = () => {};

function startPage(refresh) {
  takeTokenFromFragment();
  let busy = false;
  const run = async () => {
    if (busy) return;
    busy = true;
    const updated = document.getElementById('updated');
    try {
      await refresh();
      updated.textContent = 'updated ' + new Date().toLocaleTimeString();
    } catch (e) {
      updated.textContent = e instanceof Unauthorized ? '' : 'refresh failed: ' + e.message;
    } finally {
      busy = false;
    }
  };
  redrawPage = run;
  tokenBar(run);
  run();
  setInterval(run, 2000);
}

// The val-accuracy sparkline of the job table: y in [0, 1], x over the job's epochs.
function sparkline(values, epochs) {
  const w = 120, h = 32, n = Math.max(epochs, values.length, 2);
  const points = values.map((v, i) => v == null ? null
    : ((i / (n - 1)) * (w - 4) + 2).toFixed(1) + ',' + (h - 2 - v * (h - 4)).toFixed(1)).filter(p => p);
  const chart = svg('svg', {class: 'spark', width: w, height: h, 'data-points': values.length});
  chart.append(svg('polyline', {fill: 'none', stroke: '#06c', 'stroke-width': 1.5, points: points.join(' ')}));
  return chart;
}

// Round tick steps: 1, 2 or 5 times a power of ten, about `count` ticks over `span`.
function tickStep(span, count) {
  const raw = span / Math.max(count, 1);
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  return [1, 2, 5, 10].map(m => m * power).find(step => step >= raw);
}

function ticks(min, max, count, integer) {
  let step = tickStep(max - min || 1, count);
  if (integer) step = Math.max(1, Math.round(step));
  const first = Math.ceil(min / step) * step;
  const values = [];
  for (let v = first; v <= max + step * 1e-9; v += step) values.push(Number(v.toFixed(10)));
  return values;
}

// A chart with axes, ticks, gridlines, axis titles and a legend. series: [{name, color, points: [[x, y]]}]
// (a null y breaks the line); x from 1 to xMax (epochs), y from yMin to yMax.
function lineChart({id, title, series, xMax, yMin, yMax, xLabel, yLabel, width = 460, height = 260}) {
  const m = {left: 52, right: 14, top: 28, bottom: 40};
  const plotW = width - m.left - m.right, plotH = height - m.top - m.bottom;
  const xMin = 1, xSpan = Math.max(xMax - xMin, 1), ySpan = (yMax - yMin) || 1;
  const X = x => m.left + (x - xMin) / xSpan * plotW;
  const Y = y => m.top + plotH - (y - yMin) / ySpan * plotH;
  const chart = svg('svg', {class: 'chart', id, width, height, 'data-series': series.length});
  chart.append(svg('text', {x: m.left, y: 16, 'font-weight': 'bold'}, title));
  for (const y of ticks(yMin, yMax, 5, false)) {
    chart.append(svg('line', {x1: m.left, x2: m.left + plotW, y1: Y(y), y2: Y(y), stroke: '#eee'}));
    chart.append(svg('text', {x: m.left - 6, y: Y(y) + 4, 'text-anchor': 'end', class: 'y-tick'}, String(y)));
  }
  for (const x of ticks(xMin, xMax, 8, true)) {
    chart.append(svg('line', {x1: X(x), x2: X(x), y1: m.top + plotH, y2: m.top + plotH + 4, stroke: '#888'}));
    chart.append(svg('text', {x: X(x), y: m.top + plotH + 16, 'text-anchor': 'middle', class: 'x-tick'}, String(x)));
  }
  chart.append(svg('polyline', {fill: 'none', stroke: '#888',
    points: `${m.left},${m.top} ${m.left},${m.top + plotH} ${m.left + plotW},${m.top + plotH}`}));
  chart.append(svg('text', {x: m.left + plotW / 2, y: height - 6, 'text-anchor': 'middle'}, xLabel));
  chart.append(svg('text', {x: 12, y: m.top + plotH / 2, 'text-anchor': 'middle',
    transform: `rotate(-90 12 ${m.top + plotH / 2})`}, yLabel));
  let legendX = m.left + plotW;
  for (const s of [...series].reverse()) {
    const label = svg('text', {x: legendX, y: 16, 'text-anchor': 'end', fill: s.color}, '— ' + s.name);
    chart.append(label);
    legendX -= 10 + 7 * (s.name.length + 2);
  }
  for (const s of series) {
    let segment = [];
    const flush = () => {
      if (segment.length) chart.append(svg('polyline', {fill: 'none', stroke: s.color, 'stroke-width': 2,
        points: segment.join(' '), class: 'series'}));
      segment = [];
    };
    for (const [x, y] of s.points) {
      if (y == null) { flush(); continue; }
      segment.push(X(x).toFixed(1) + ',' + Y(y).toFixed(1));
      if (s.points.length <= 60) chart.append(svg('circle', {cx: X(x), cy: Y(y), r: 2.5, fill: s.color}));
    }
    flush();
  }
  return chart;
}

// Prompts per block as bars, with axes: the learned prompt distribution.
function barChart({id, title, values, xLabel, yLabel, width = 460, height = 240}) {
  const m = {left: 52, right: 14, top: 28, bottom: 40};
  const plotW = width - m.left - m.right, plotH = height - m.top - m.bottom;
  const yMax = Math.max(1, ...values);
  const Y = y => m.top + plotH - y / yMax * plotH;
  const slot = plotW / values.length;
  const chart = svg('svg', {class: 'chart', id, width, height, 'data-bars': values.length});
  chart.append(svg('text', {x: m.left, y: 16, 'font-weight': 'bold'}, title));
  for (const y of ticks(0, yMax, 5, true)) {
    chart.append(svg('line', {x1: m.left, x2: m.left + plotW, y1: Y(y), y2: Y(y), stroke: '#eee'}));
    chart.append(svg('text', {x: m.left - 6, y: Y(y) + 4, 'text-anchor': 'end'}, String(y)));
  }
  values.forEach((v, i) => {
    chart.append(svg('rect', {x: m.left + i * slot + slot * 0.15, y: Y(v), width: slot * 0.7, height: Y(0) - Y(v),
      fill: '#5a8fd0'}));
    chart.append(svg('text', {x: m.left + (i + 0.5) * slot, y: m.top + plotH + 16, 'text-anchor': 'middle'},
      String(i + 1)));
  });
  chart.append(svg('polyline', {fill: 'none', stroke: '#888',
    points: `${m.left},${m.top} ${m.left},${m.top + plotH} ${m.left + plotW},${m.top + plotH}`}));
  chart.append(svg('text', {x: m.left + plotW / 2, y: height - 6, 'text-anchor': 'middle'}, xLabel));
  chart.append(svg('text', {x: 12, y: m.top + plotH / 2, 'text-anchor': 'middle',
    transform: `rotate(-90 12 ${m.top + plotH / 2})`}, yLabel));
  return chart;
}

// The cancel button of a queued, running or stopped (by ASHA, promotable later) job: a first click
// arms it for 5 s, a second sends POST /jobs/N/cancel (with the token). Pages are redrawn every
// 2 s, so its state lives here.
const armedUntil = new Map();
const cancelSent = new Set();

function cancelButton(job) {
  if (!['queued', 'running', 'stopped'].includes(job.state)) return '';
  const button = el('button', {className: 'cancel', id: 'cancel-' + job.id, type: 'button'});
  if (cancelSent.has(job.id)) {
    button.textContent = 'cancelling…';
    button.disabled = true;
    return button;
  }
  const armed = (armedUntil.get(job.id) || 0) > Date.now();
  button.textContent = armed ? 'confirm cancel' : 'cancel';
  if (armed) button.classList.add('armed');
  button.title = 'cancel job ' + job.id + ' (' + job.name + '): click twice';
  button.onclick = async () => {
    if ((armedUntil.get(job.id) || 0) <= Date.now()) {
      armedUntil.set(job.id, Date.now() + 5000);
    } else {
      armedUntil.delete(job.id);
      const response = await api('/jobs/' + job.id + '/cancel', {method: 'POST'});
      if (response.ok) cancelSent.add(job.id);
      else button.title = 'the daemon refused: HTTP ' + response.status;
    }
    redrawPage();
  };
  return button;
}
