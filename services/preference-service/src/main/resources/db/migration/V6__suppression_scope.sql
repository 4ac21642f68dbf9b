-- What an entry suppresses: 'all' mail (STOP, a hard bounce, a dead token), or only 'marketing' (a
-- spam complaint: the customer still gets their receipts and appointments).
ALTER TABLE suppression_events ADD COLUMN scope TEXT NOT NULL DEFAULT 'all';
