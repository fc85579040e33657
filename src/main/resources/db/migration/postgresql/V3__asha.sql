-- ASHA on the daemon (provpt.sweep.scheduler = asha, provpt sweep --submit): the scheduler's
-- decisions are rows here, made in the transaction that records a grid job's arrival at a rung,
-- so they survive restarts and node losses, and a decision is made once whichever node reports.

-- One row per ASHA sweep: its settings, fixed by its first report, and the row whose lock
-- (SELECT ... FOR UPDATE) makes one sweep's reports take turns.
CREATE TABLE asha_sweeps (
  sweep TEXT PRIMARY KEY,
  reduction_factor INT NOT NULL,
  rung_epochs TEXT NOT NULL
);

-- Every arrival of a grid job at a rung (kind 'arrival': its best val accuracy up to the rung's
-- epoch and what ASHA decided: promote, pause or top) and every promotion from a rung (kind
-- 'promotion', at once or later). seq is the order ASHA saw them in: replaying the rows in seq
-- order rebuilds the scheduler. A run is promoted from a rung at most once: the unique key.
CREATE TABLE asha_decisions (
  seq BIGSERIAL PRIMARY KEY,
  sweep TEXT NOT NULL REFERENCES asha_sweeps (sweep),
  job_id BIGINT NOT NULL REFERENCES jobs (id),
  rung INT NOT NULL,
  kind TEXT NOT NULL,
  metric DOUBLE PRECISION,
  decision TEXT NOT NULL,
  fence BIGINT NOT NULL,
  node TEXT,
  at TEXT NOT NULL,
  UNIQUE (job_id, rung, kind)
);

CREATE INDEX asha_decisions_sweep ON asha_decisions (sweep, seq);
