#!/usr/bin/env python3
"""Independent NumPy reference implementation for ViT checkpoint-import parity tests.

This script is deliberately written without torch / jax / safetensors / scipy: it
only uses NumPy and the Python standard library, so that the fixtures it produces
are an *independent* reference for the Java importer (nothing here shares code or
weight-rearrangement logic with the Java side).

Default mode (writes into --out, default src/test/resources/vit-import):

  jax-tiny.npz                   tiny random ViT in the layout of the original Google
                                 Vision Transformer release (ViT-B_16.npz), np.savez
                                 (uncompressed), float32, incl. pre_logits and head
  timm-tiny.safetensors          a different tiny random ViT in timm layout, written by
                                 hand per the safetensors spec (F32, little endian)
  inputs.npy                     float32 [4, S, S, C] NHWC, standard normal
  jax-tiny-features.npy          float32 [4, D] final-LayerNorm [CLS] token (JAX ckpt)
  timm-tiny-features.npy         float32 [4, D] final-LayerNorm [CLS] token (timm ckpt)
  inputs-large.npy               float32 [3, S2, S2, C] NHWC, standard normal
  timm-tiny-pos-embed-at-S2.npy  float32 [1, g2*g2+1, D] timm pos_embed resized to g2
                                 (PyTorch F.interpolate bicubic, align_corners=False,
                                 antialias=False)
  timm-tiny-at-S2-features.npy   float32 [3, D] timm ckpt run at S2 with that pos_embed

The forward pass is computed in float64 and cast to float32 at the end.

  --check        reload the files in --out (npz via np.load, safetensors via a hand
                 written parser), recompute every feature file from what was loaded,
                 verify determinism against the seed, cross-check the JAX and timm
                 forward implementations against each other, and print max abs diffs.
  --vit-b16 F    write a random checkpoint with exactly the ViT-B/16 (ImageNet-21k,
                 with pre_logits) shapes in JAX layout to F (~400 MB, np.savez
                 uncompressed, N(0, 0.02) weights); no features are computed.
"""

import argparse
import json
import math
import os
import struct
import sys

import numpy as np

SEED = 20240917

# Tiny model configuration (shared by both tiny checkpoints).
C = 3          # input channels
S = 32         # image size
P = 8          # patch size
G = S // P     # grid size (4)
N = G * G      # number of patches (16)
D = 32         # width
H = 4          # heads
HD = D // H    # head dim (8)
DEPTH = 2
M = 64         # MLP hidden
K = 5          # classes
S2 = 48        # resolution-change image size
G2 = S2 // P   # 6
BATCH = 4
BATCH_LARGE = 3

LN_EPS = 1e-6

# ViT-B/16 (ImageNet-21k release) shapes for --vit-b16.
B16 = dict(image=224, patch=16, channels=3, width=768, heads=12, depth=12, mlp=3072,
           classes=21843)


# ----------------------------------------------------------------------------------
# Random number streams (fixed seed; independent streams per artefact)
# ----------------------------------------------------------------------------------

def rng_for(stream):
    return np.random.default_rng([SEED, stream])


STREAM_JAX, STREAM_TIMM, STREAM_INPUTS, STREAM_INPUTS_LARGE, STREAM_B16 = 1, 2, 3, 4, 5


# ----------------------------------------------------------------------------------
# Weight generation
# ----------------------------------------------------------------------------------

def _mat(rng, shape, fan_in):
    return rng.standard_normal(shape) / math.sqrt(fan_in)


def _bias(rng, shape):
    return 0.1 * rng.standard_normal(shape)


def _scale(rng, shape):
    return 1.0 + 0.1 * rng.standard_normal(shape)


def _embed(rng, shape):
    return 0.5 * rng.standard_normal(shape)


def make_jax_params(rng):
    """Tiny ViT in the original Google ViT (.npz) layout. Returns an ordered dict of float32."""
    p = {}
    p["embedding/kernel"] = _mat(rng, (P, P, C, D), P * P * C)        # HWIO
    p["embedding/bias"] = _bias(rng, (D,))
    p["cls"] = _embed(rng, (1, 1, D))
    p["Transformer/posembed_input/pos_embedding"] = _embed(rng, (1, N + 1, D))
    for i in range(DEPTH):
        b = f"Transformer/encoderblock_{i}/"
        a = b + "MultiHeadDotProductAttention_1/"
        p[b + "LayerNorm_0/scale"] = _scale(rng, (D,))
        p[b + "LayerNorm_0/bias"] = _bias(rng, (D,))
        for name in ("query", "key", "value"):
            p[a + name + "/kernel"] = _mat(rng, (D, H, HD), D)
            p[a + name + "/bias"] = _bias(rng, (H, HD))
        p[a + "out/kernel"] = _mat(rng, (H, HD, D), H * HD)
        p[a + "out/bias"] = _bias(rng, (D,))
        p[b + "LayerNorm_2/scale"] = _scale(rng, (D,))
        p[b + "LayerNorm_2/bias"] = _bias(rng, (D,))
        p[b + "MlpBlock_3/Dense_0/kernel"] = _mat(rng, (D, M), D)
        p[b + "MlpBlock_3/Dense_0/bias"] = _bias(rng, (M,))
        p[b + "MlpBlock_3/Dense_1/kernel"] = _mat(rng, (M, D), M)
        p[b + "MlpBlock_3/Dense_1/bias"] = _bias(rng, (D,))
    p["Transformer/encoder_norm/scale"] = _scale(rng, (D,))
    p["Transformer/encoder_norm/bias"] = _bias(rng, (D,))
    p["pre_logits/kernel"] = _mat(rng, (D, D), D)
    p["pre_logits/bias"] = _bias(rng, (D,))
    p["head/kernel"] = _mat(rng, (D, K), D)
    p["head/bias"] = _bias(rng, (K,))
    return {k: v.astype(np.float32) for k, v in p.items()}


def make_timm_params(rng):
    """Tiny ViT in timm (PyTorch state_dict) layout. Returns an ordered dict of float32."""
    p = {}
    p["patch_embed.proj.weight"] = _mat(rng, (D, C, P, P), C * P * P)  # OIHW
    p["patch_embed.proj.bias"] = _bias(rng, (D,))
    p["cls_token"] = _embed(rng, (1, 1, D))
    p["pos_embed"] = _embed(rng, (1, N + 1, D))
    for i in range(DEPTH):
        b = f"blocks.{i}."
        p[b + "norm1.weight"] = _scale(rng, (D,))
        p[b + "norm1.bias"] = _bias(rng, (D,))
        p[b + "attn.qkv.weight"] = _mat(rng, (3 * D, D), D)
        p[b + "attn.qkv.bias"] = _bias(rng, (3 * D,))
        p[b + "attn.proj.weight"] = _mat(rng, (D, D), D)
        p[b + "attn.proj.bias"] = _bias(rng, (D,))
        p[b + "norm2.weight"] = _scale(rng, (D,))
        p[b + "norm2.bias"] = _bias(rng, (D,))
        p[b + "mlp.fc1.weight"] = _mat(rng, (M, D), D)
        p[b + "mlp.fc1.bias"] = _bias(rng, (M,))
        p[b + "mlp.fc2.weight"] = _mat(rng, (D, M), M)
        p[b + "mlp.fc2.bias"] = _bias(rng, (D,))
    p["norm.weight"] = _scale(rng, (D,))
    p["norm.bias"] = _bias(rng, (D,))
    p["head.weight"] = _mat(rng, (K, D), D)
    p["head.bias"] = _bias(rng, (K,))
    return {k: v.astype(np.float32) for k, v in p.items()}


def make_inputs(rng, batch, size):
    return rng.standard_normal((batch, size, size, C)).astype(np.float32)


# ----------------------------------------------------------------------------------
# Math primitives (float64)
# ----------------------------------------------------------------------------------

_erf = np.vectorize(math.erf, otypes=[np.float64])


def gelu_exact(x):
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def gelu_tanh(x):
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def layer_norm(x, scale, bias, eps=LN_EPS):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)   # biased variance
    return (x - mu) / np.sqrt(var + eps) * scale + bias


def softmax(x, axis=-1):
    x = x - x.max(axis=axis, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def patchify(images, patch):
    """NHWC images -> [B, g, g, p(y), p(x), C] (patch grid in row-major (row, col) order)."""
    b, hgt, wid, c = images.shape
    gh, gw = hgt // patch, wid // patch
    x = images.reshape(b, gh, patch, gw, patch, c)
    return x.transpose(0, 1, 3, 2, 4, 5)


def attention_core(q, k, v):
    """q, k, v: [B, T, H, hd] -> [B, T, H, hd]."""
    hd = q.shape[-1]
    scores = np.einsum("bqhd,bkhd->bhqk", q, k) / math.sqrt(hd)
    probs = softmax(scores, axis=-1)
    return np.einsum("bhqk,bkhd->bqhd", probs, v)


def f64(params):
    return {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}


# ----------------------------------------------------------------------------------
# Forward passes
# ----------------------------------------------------------------------------------

def forward_jax(params, images, gelu=gelu_tanh):
    """Pre-norm ViT straight from the JAX (.npz) layout. Returns the final-LN [CLS] token."""
    w = f64(params)
    x = np.asarray(images, dtype=np.float64)
    bsz = x.shape[0]
    patches = patchify(x, P)                                     # [B,g,g,py,px,C]
    tok = np.einsum("bijyxc,yxcd->bijd", patches, w["embedding/kernel"]) + w["embedding/bias"]
    tok = tok.reshape(bsz, -1, D)                                # row-major (row, col)
    cls = np.broadcast_to(w["cls"], (bsz, 1, D))
    x = np.concatenate([cls, tok], axis=1)
    x = x + w["Transformer/posembed_input/pos_embedding"]
    for i in range(DEPTH):
        b = f"Transformer/encoderblock_{i}/"
        a = b + "MultiHeadDotProductAttention_1/"
        h = layer_norm(x, w[b + "LayerNorm_0/scale"], w[b + "LayerNorm_0/bias"])
        q = np.einsum("btd,dhk->bthk", h, w[a + "query/kernel"]) + w[a + "query/bias"]
        k = np.einsum("btd,dhk->bthk", h, w[a + "key/kernel"]) + w[a + "key/bias"]
        v = np.einsum("btd,dhk->bthk", h, w[a + "value/kernel"]) + w[a + "value/bias"]
        o = attention_core(q, k, v)
        out = np.einsum("bthk,hkd->btd", o, w[a + "out/kernel"]) + w[a + "out/bias"]
        x = x + out
        h = layer_norm(x, w[b + "LayerNorm_2/scale"], w[b + "LayerNorm_2/bias"])
        h = h @ w[b + "MlpBlock_3/Dense_0/kernel"] + w[b + "MlpBlock_3/Dense_0/bias"]
        h = gelu(h)
        h = h @ w[b + "MlpBlock_3/Dense_1/kernel"] + w[b + "MlpBlock_3/Dense_1/bias"]
        x = x + h
    x = layer_norm(x, w["Transformer/encoder_norm/scale"], w["Transformer/encoder_norm/bias"])
    return x[:, 0, :]


def forward_timm(params, images, pos_embed=None, gelu=gelu_exact):
    """Pre-norm ViT from the timm (PyTorch) layout. Returns the final-LN [CLS] token.

    pos_embed overrides params["pos_embed"] (used for the resolution-change fixture).
    """
    w = f64(params)
    x = np.asarray(images, dtype=np.float64)
    bsz = x.shape[0]
    patches = patchify(x, P)                                     # [B,g,g,py,px,C]
    tok = np.einsum("bijyxc,dcyx->bijd", patches, w["patch_embed.proj.weight"])
    tok = tok + w["patch_embed.proj.bias"]
    tok = tok.reshape(bsz, -1, D)
    cls = np.broadcast_to(w["cls_token"], (bsz, 1, D))
    x = np.concatenate([cls, tok], axis=1)
    pe = w["pos_embed"] if pos_embed is None else np.asarray(pos_embed, dtype=np.float64)
    x = x + pe
    t = x.shape[1]
    for i in range(DEPTH):
        b = f"blocks.{i}."
        h = layer_norm(x, w[b + "norm1.weight"], w[b + "norm1.bias"])
        qkv = h @ w[b + "attn.qkv.weight"].T + w[b + "attn.qkv.bias"]   # [B,T,3D]
        qkv = qkv.reshape(bsz, t, 3, H, HD)                  # rows: q|k|v, head-major
        o = attention_core(qkv[:, :, 0], qkv[:, :, 1], qkv[:, :, 2])
        o = o.reshape(bsz, t, D)                             # concat heads, head-major
        out = o @ w[b + "attn.proj.weight"].T + w[b + "attn.proj.bias"]
        x = x + out
        h = layer_norm(x, w[b + "norm2.weight"], w[b + "norm2.bias"])
        h = gelu(h @ w[b + "mlp.fc1.weight"].T + w[b + "mlp.fc1.bias"])
        h = h @ w[b + "mlp.fc2.weight"].T + w[b + "mlp.fc2.bias"]
        x = x + h
    x = layer_norm(x, w["norm.weight"], w["norm.bias"])
    return x[:, 0, :]


# ----------------------------------------------------------------------------------
# Bicubic resize (PyTorch F.interpolate(mode="bicubic", align_corners=False),
# antialias=False)
# ----------------------------------------------------------------------------------

CUBIC_A = -0.75


def _cubic1(x, a=CUBIC_A):   # |x| <= 1
    return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0


def _cubic2(x, a=CUBIC_A):   # 1 < |x| < 2
    return ((a * x - 5.0 * a) * x + 8.0 * a) * x - 4.0 * a


def bicubic_matrix(n_in, n_out, a=CUBIC_A):
    """[n_out, n_in] matrix W with out = W @ in along one axis."""
    w = np.zeros((n_out, n_in), dtype=np.float64)
    scale = n_in / n_out
    for dst in range(n_out):
        src = scale * (dst + 0.5) - 0.5          # NOT clamped to >= 0 for cubic
        i0 = math.floor(src)
        t = src - i0
        coeffs = (_cubic2(t + 1.0, a), _cubic1(t, a), _cubic1(1.0 - t, a), _cubic2(2.0 - t, a))
        for j, c in enumerate(coeffs):
            idx = min(max(i0 - 1 + j, 0), n_in - 1)   # tap index clamped to [0, in-1]
            w[dst, idx] += c
    return w


def bicubic_resize_grid(grid, out_h, out_w):
    """grid: [h, w, D] -> [out_h, out_w, D]; rows (axis 0) first, then columns (axis 1)."""
    g = np.asarray(grid, dtype=np.float64)
    wr = bicubic_matrix(g.shape[0], out_h)
    wc = bicubic_matrix(g.shape[1], out_w)
    g = np.einsum("oi,ijd->ojd", wr, g)
    g = np.einsum("pj,ojd->opd", wc, g)
    return g


def resize_pos_embed(pos_embed, g_out, num_prefix=1):
    """[1, prefix+g*g, D] -> [1, prefix+g_out*g_out, D]; prefix ([CLS]) rows kept as is."""
    pe = np.asarray(pos_embed, dtype=np.float64)
    prefix, grid = pe[:, :num_prefix], pe[0, num_prefix:]
    g_in = int(round(math.sqrt(grid.shape[0])))
    assert g_in * g_in == grid.shape[0]
    grid = grid.reshape(g_in, g_in, -1)                  # [row, col, D]
    grid = bicubic_resize_grid(grid, g_out, g_out).reshape(1, g_out * g_out, -1)
    return np.concatenate([prefix, grid], axis=1)


# ----------------------------------------------------------------------------------
# safetensors (hand written, per spec)
# ----------------------------------------------------------------------------------

def write_safetensors(path, tensors, metadata=None):
    header = {}
    offset = 0
    blobs = []
    for name, arr in tensors.items():
        arr = np.ascontiguousarray(arr, dtype="<f4")
        data = arr.tobytes(order="C")
        header[name] = {"dtype": "F32", "shape": list(arr.shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    header["__metadata__"] = dict(metadata or {"format": "pt"})
    hbytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hbytes += b" " * ((-len(hbytes)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hbytes)))
        f.write(hbytes)
        for data in blobs:
            f.write(data)


def read_safetensors(path):
    """Returns (tensors dict, metadata). Validates header and contiguous coverage of the data."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    data = raw[8 + n:]
    metadata = header.pop("__metadata__", None)
    spans = []
    out = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            raise ValueError(f"{name}: unexpected dtype {info['dtype']}")
        b, e = info["data_offsets"]
        shape = tuple(info["shape"])
        count = int(np.prod(shape)) if shape else 1
        if e - b != 4 * count:
            raise ValueError(f"{name}: byte span {e - b} != 4*{count}")
        out[name] = np.frombuffer(data, dtype="<f4", count=count, offset=b).reshape(shape)
        spans.append((b, e))
    spans.sort()
    pos = 0
    for b, e in spans:
        if b != pos:
            raise ValueError("safetensors data has a hole or overlap")
        pos = e
    if pos != len(data):
        raise ValueError("safetensors data length mismatch")
    return out, metadata, n


# ----------------------------------------------------------------------------------
# Generation / checking
# ----------------------------------------------------------------------------------

FILES = {
    "jax": "jax-tiny.npz",
    "timm": "timm-tiny.safetensors",
    "inputs": "inputs.npy",
    "jax_feat": "jax-tiny-features.npy",
    "timm_feat": "timm-tiny-features.npy",
    "inputs_large": "inputs-large.npy",
    "pos_s2": "timm-tiny-pos-embed-at-S2.npy",
    "timm_feat_s2": "timm-tiny-at-S2-features.npy",
}


def build_all():
    jax_p = make_jax_params(rng_for(STREAM_JAX))
    timm_p = make_timm_params(rng_for(STREAM_TIMM))
    inputs = make_inputs(rng_for(STREAM_INPUTS), BATCH, S)
    inputs_large = make_inputs(rng_for(STREAM_INPUTS_LARGE), BATCH_LARGE, S2)
    jax_feat = forward_jax(jax_p, inputs).astype(np.float32)
    timm_feat = forward_timm(timm_p, inputs).astype(np.float32)
    pos_s2_64 = resize_pos_embed(timm_p["pos_embed"], G2)
    pos_s2 = pos_s2_64.astype(np.float32)
    timm_feat_s2 = forward_timm(timm_p, inputs_large, pos_embed=pos_s2_64).astype(np.float32)
    return dict(jax=jax_p, timm=timm_p, inputs=inputs, inputs_large=inputs_large,
                jax_feat=jax_feat, timm_feat=timm_feat, pos_s2=pos_s2,
                timm_feat_s2=timm_feat_s2)


def write_all(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    a = build_all()
    np.savez(os.path.join(out_dir, FILES["jax"]), **a["jax"])
    write_safetensors(os.path.join(out_dir, FILES["timm"]), a["timm"])
    for key in ("inputs", "jax_feat", "timm_feat", "inputs_large", "pos_s2", "timm_feat_s2"):
        np.save(os.path.join(out_dir, FILES[key]), a[key])
    print(f"wrote fixtures to {out_dir} (seed {SEED})")
    print(f"  config: C={C} S={S} p={P} g={G} D={D} H={H} hd={HD} depth={DEPTH} M={M} "
          f"K={K}; S2={S2} g2={G2}")
    for key, name in FILES.items():
        path = os.path.join(out_dir, name)
        size = os.path.getsize(path)
        if key in ("jax", "timm"):
            desc = f"{len(a[key])} tensors"
        else:
            desc = f"{a[key].dtype} {list(a[key].shape)}"
        print(f"  {name:32s} {size:8d} B  {desc}")
    print(f"  |features| max: jax {np.abs(a['jax_feat']).max():.3f}, "
          f"timm {np.abs(a['timm_feat']).max():.3f}, "
          f"timm@S2 {np.abs(a['timm_feat_s2']).max():.3f}")


def jax_to_timm(jp):
    """Standard JAX->timm conversion; used ONLY by --check to cross-validate the two forwards."""
    t = {}
    t["patch_embed.proj.weight"] = jp["embedding/kernel"].transpose(3, 2, 0, 1)
    t["patch_embed.proj.bias"] = jp["embedding/bias"]
    t["cls_token"] = jp["cls"]
    t["pos_embed"] = jp["Transformer/posembed_input/pos_embedding"]
    for i in range(DEPTH):
        b = f"Transformer/encoderblock_{i}/"
        a = b + "MultiHeadDotProductAttention_1/"
        o = f"blocks.{i}."
        t[o + "norm1.weight"] = jp[b + "LayerNorm_0/scale"]
        t[o + "norm1.bias"] = jp[b + "LayerNorm_0/bias"]
        t[o + "attn.qkv.weight"] = np.concatenate(
            [jp[a + n + "/kernel"].reshape(D, D).T for n in ("query", "key", "value")], axis=0)
        t[o + "attn.qkv.bias"] = np.concatenate(
            [jp[a + n + "/bias"].reshape(-1) for n in ("query", "key", "value")], axis=0)
        t[o + "attn.proj.weight"] = jp[a + "out/kernel"].reshape(D, D).T
        t[o + "attn.proj.bias"] = jp[a + "out/bias"]
        t[o + "norm2.weight"] = jp[b + "LayerNorm_2/scale"]
        t[o + "norm2.bias"] = jp[b + "LayerNorm_2/bias"]
        t[o + "mlp.fc1.weight"] = jp[b + "MlpBlock_3/Dense_0/kernel"].T
        t[o + "mlp.fc1.bias"] = jp[b + "MlpBlock_3/Dense_0/bias"]
        t[o + "mlp.fc2.weight"] = jp[b + "MlpBlock_3/Dense_1/kernel"].T
        t[o + "mlp.fc2.bias"] = jp[b + "MlpBlock_3/Dense_1/bias"]
    t["norm.weight"] = jp["Transformer/encoder_norm/scale"]
    t["norm.bias"] = jp["Transformer/encoder_norm/bias"]
    return t


def check(out_dir, tol=1e-5):
    ok = True

    def report(label, got, want, limit):
        nonlocal ok
        got = np.asarray(got)
        want = np.asarray(want)
        if got.shape != want.shape:
            print(f"  FAIL {label}: shape {got.shape} != {want.shape}")
            ok = False
            return
        diff = float(np.max(np.abs(got.astype(np.float64) - want.astype(np.float64))))
        good = diff <= limit
        ok = ok and good
        print(f"  {'ok  ' if good else 'FAIL'} {label:52s} max abs diff {diff:.3e}")

    path = lambda key: os.path.join(out_dir, FILES[key])
    print(f"checking fixtures in {out_dir}")
    with np.load(path("jax")) as z:
        jax_p = {k: z[k] for k in z.files}
    timm_p, meta, hlen = read_safetensors(path("timm"))
    inputs = np.load(path("inputs"))
    inputs_large = np.load(path("inputs_large"))
    jax_feat = np.load(path("jax_feat"))
    timm_feat = np.load(path("timm_feat"))
    pos_s2 = np.load(path("pos_s2"))
    timm_feat_s2 = np.load(path("timm_feat_s2"))

    print(f"  safetensors: header {hlen} bytes (multiple of 8: {hlen % 8 == 0}), "
          f"metadata {meta}, {len(timm_p)} tensors")
    ok = ok and hlen % 8 == 0 and meta == {"format": "pt"}
    for name, arrs in (("jax-tiny.npz", jax_p), ("timm-tiny.safetensors", timm_p)):
        bad = [k for k, v in arrs.items() if v.dtype != np.float32]
        if bad:
            print(f"  FAIL {name}: non-float32 tensors {bad}")
            ok = False

    # 1. Recompute features from the reloaded files.
    report("jax-tiny features (from npz)", forward_jax(jax_p, inputs).astype(np.float32),
           jax_feat, tol)
    report("timm-tiny features (from safetensors)",
           forward_timm(timm_p, inputs).astype(np.float32), timm_feat, tol)
    pe = resize_pos_embed(timm_p["pos_embed"], G2)
    report("timm pos_embed resized to g2", pe.astype(np.float32), pos_s2, tol)
    report("timm-tiny@S2 features (from safetensors)",
           forward_timm(timm_p, inputs_large, pos_embed=pe).astype(np.float32), timm_feat_s2, tol)
    report("timm-tiny@S2 features (saved f32 pos_embed)",
           forward_timm(timm_p, inputs_large, pos_embed=pos_s2), timm_feat_s2, 1e-4)

    # 2. Determinism: regenerating from the seed gives bit-identical files' contents.
    a = build_all()
    same = all(np.array_equal(a["jax"][k], jax_p[k]) for k in a["jax"]) and \
        list(a["jax"]) == list(jax_p)
    same = same and all(np.array_equal(a["timm"][k], timm_p[k]) for k in a["timm"]) and \
        set(a["timm"]) == set(timm_p)
    for key, arr in (("inputs", inputs), ("inputs_large", inputs_large),
                     ("jax_feat", jax_feat), ("timm_feat", timm_feat), ("pos_s2", pos_s2),
                     ("timm_feat_s2", timm_feat_s2)):
        same = same and np.array_equal(a[key], arr)
    print(f"  {'ok  ' if same else 'FAIL'} regenerated from seed {SEED}: bit-identical = {same}")
    ok = ok and same

    # 3. Cross-validate the two forward implementations (JAX weights mapped to timm layout,
    #    timm forward with tanh GELU must reproduce the JAX forward).
    cross = forward_timm(jax_to_timm(jax_p), inputs, gelu=gelu_tanh)
    report("jax forward vs timm forward on converted jax weights", cross,
           forward_jax(jax_p, inputs), 1e-10)

    # 4. Bicubic sanity: identity at same size, constants preserved, mirror symmetry
    #    (checks the half-pixel source-coordinate convention), and with A = -0.5 (Keys'
    #    kernel, which reproduces linear functions; A = -0.75 does not) a linear ramp is
    #    reproduced away from the clamped borders.
    grid = rng_for(99).standard_normal((G, G, 3))
    report("bicubic g->g is identity", bicubic_resize_grid(grid, G, G), grid, 1e-12)
    report("bicubic preserves constants", bicubic_resize_grid(np.full((G, G, 1), 2.5), G2, G2),
           np.full((G2, G2, 1), 2.5), 1e-12)
    report("bicubic commutes with mirroring",
           bicubic_resize_grid(grid[::-1, ::-1], G2, G2),
           bicubic_resize_grid(grid, G2, G2)[::-1, ::-1], 1e-12)
    src = (np.arange(12) + 0.5) * 8 / 12 - 0.5
    interior = (src >= 1) & (src <= 6)
    report("bicubic(A=-0.5) reproduces linear ramp (interior)",
           (bicubic_matrix(8, 12, a=-0.5) @ np.arange(8.0))[interior], src[interior], 1e-12)

    print("CHECK PASSED" if ok else "CHECK FAILED")
    return ok


def write_vit_b16(path):
    """Random checkpoint with exactly the ViT-B/16 (ImageNet-21k) shapes, JAX layout."""
    cfg = B16
    rng = rng_for(STREAM_B16)
    p_, c_, d_ = cfg["patch"], cfg["channels"], cfg["width"]
    h_ = cfg["heads"]
    hd_ = d_ // h_
    m_, k_ = cfg["mlp"], cfg["classes"]
    n_ = (cfg["image"] // p_) ** 2

    def normal(shape, std=0.02):
        x = rng.standard_normal(shape, dtype=np.float32)
        x *= np.float32(std)
        return x

    def ones_ish(shape):
        x = normal(shape)
        x += np.float32(1.0)
        return x

    p = {}
    p["embedding/kernel"] = normal((p_, p_, c_, d_))
    p["embedding/bias"] = normal((d_,))
    p["cls"] = normal((1, 1, d_))
    p["Transformer/posembed_input/pos_embedding"] = normal((1, n_ + 1, d_))
    for i in range(cfg["depth"]):
        b = f"Transformer/encoderblock_{i}/"
        a = b + "MultiHeadDotProductAttention_1/"
        p[b + "LayerNorm_0/scale"] = ones_ish((d_,))
        p[b + "LayerNorm_0/bias"] = normal((d_,))
        for name in ("query", "key", "value"):
            p[a + name + "/kernel"] = normal((d_, h_, hd_))
            p[a + name + "/bias"] = normal((h_, hd_))
        p[a + "out/kernel"] = normal((h_, hd_, d_))
        p[a + "out/bias"] = normal((d_,))
        p[b + "LayerNorm_2/scale"] = ones_ish((d_,))
        p[b + "LayerNorm_2/bias"] = normal((d_,))
        p[b + "MlpBlock_3/Dense_0/kernel"] = normal((d_, m_))
        p[b + "MlpBlock_3/Dense_0/bias"] = normal((m_,))
        p[b + "MlpBlock_3/Dense_1/kernel"] = normal((m_, d_))
        p[b + "MlpBlock_3/Dense_1/bias"] = normal((d_,))
    p["Transformer/encoder_norm/scale"] = ones_ish((d_,))
    p["Transformer/encoder_norm/bias"] = normal((d_,))
    p["pre_logits/kernel"] = normal((d_, d_))
    p["pre_logits/bias"] = normal((d_,))
    p["head/kernel"] = normal((d_, k_))
    p["head/bias"] = normal((k_,))
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    np.savez(path, **p)
    actual = path if path.endswith(".npz") else path + ".npz"
    n_params = sum(v.size for v in p.values())
    print(f"wrote ViT-B/16-shaped random checkpoint {actual}: {len(p)} arrays, "
          f"{n_params:,} float32 params, {os.path.getsize(actual):,} bytes")


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Independent NumPy reference fixtures for ViT checkpoint import tests.")
    ap.add_argument("--out", default="src/test/resources/vit-import",
                    help="output directory for the tiny fixtures (default: %(default)s)")
    ap.add_argument("--check", action="store_true",
                    help="do not write; reload the fixtures in --out and verify them")
    ap.add_argument("--vit-b16", metavar="FILE.npz",
                    help="write a random ViT-B/16-shaped JAX-layout checkpoint to FILE.npz "
                         "(~400 MB, no features) and exit")
    args = ap.parse_args(argv)
    if args.vit_b16:
        write_vit_b16(args.vit_b16)
        return 0
    if args.check:
        return 0 if check(args.out) else 1
    write_all(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
