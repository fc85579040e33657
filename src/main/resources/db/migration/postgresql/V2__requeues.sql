-- How often a job went back to the queue for an infrastructure fault (a lost lease, its node gone,
-- the store or the disk failing under it), and why: one line per requeue, the newest last. A job
-- requeued more often than provpt.daemon.max-infrastructure-requeues ends failed.
ALTER TABLE jobs ADD COLUMN requeues INT NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN requeue_causes TEXT;
