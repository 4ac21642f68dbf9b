-- Each tenant's own provider accounts (issue 21). What may be shown (the account SID, senders, host) is in
-- config; the credentials are sealed (libs/security SecretBox): secret is AES-256-GCM under the record's
-- own data key, wrapped_key that data key under PROVIDER_SECRETS_KEY, whose id is key_id.
CREATE TABLE provider_accounts (
    account_id   text PRIMARY KEY,
    tenant_id    text        NOT NULL REFERENCES tenants (tenant_id),
    channel      text        NOT NULL,
    type         text        NOT NULL,
    name         text        NOT NULL,
    -- the order in which a channel's accounts are tried (lowest first)
    position     integer     NOT NULL,
    config       jsonb       NOT NULL,
    -- which secrets are set, by name only (authToken, apiKeySecret...)
    secret_names text[]      NOT NULL,
    key_id       text        NOT NULL,
    wrapped_key  bytea       NOT NULL,
    secret       bytea       NOT NULL,
    -- counts changes: a channel service keeps an account's credentials until the version moves
    version      bigint      NOT NULL DEFAULT 1,
    checked_at   timestamptz,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    -- Twilio's webhooks name the account they are for
    twilio_account_sid text GENERATED ALWAYS AS (CASE WHEN type = 'twilio' THEN config ->> 'accountSid' END) STORED
);

CREATE INDEX provider_accounts_by_tenant ON provider_accounts (tenant_id, channel, position);
CREATE INDEX provider_accounts_by_twilio_sid ON provider_accounts (twilio_account_sid);

-- per tenant and channel: whether the platform's own account may still be used, after the tenant's own
CREATE TABLE provider_channels (
    tenant_id            text    NOT NULL REFERENCES tenants (tenant_id),
    channel              text    NOT NULL,
    use_platform_default boolean NOT NULL,
    PRIMARY KEY (tenant_id, channel)
);
