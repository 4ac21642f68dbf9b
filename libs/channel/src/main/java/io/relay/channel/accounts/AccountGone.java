package io.relay.channel.accounts;

/** The provider account was deleted since it was listed: it sends nothing, and can be asked nothing. */
public final class AccountGone extends RuntimeException {

    public AccountGone(String accountId, Throwable cause) {
        super("provider account " + accountId + " is gone", cause);
    }
}
