-- The gateway's count of a tenant's settings changes: the webhook with the highest one wins, whether it
-- came pushed on a change or with a message request (which may carry a replica's older view). A cleared
-- webhook stays as a row without url, so its version still outranks an older request's URL.
ALTER TABLE tenant_webhooks ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tenant_webhooks ALTER COLUMN url DROP NOT NULL;
ALTER TABLE tenant_webhooks ALTER COLUMN secret DROP NOT NULL;
