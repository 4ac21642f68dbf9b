package io.relay.channel.push;

import io.relay.channel.Delivery;
import io.relay.channel.ProviderRefused;
import io.relay.channel.accounts.TenantAccounts;
import io.relay.contracts.Channel;
import io.relay.contracts.payload.PushDispatch;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The push channel over any {@link PushProvider}: every token of the customer is a recipient with a
 * sent record of its own; the message counts as sent when any token took it.
 */
public final class PushChannel implements Delivery<PushDispatch> {

    private final PushProvider provider;
    private final PushAccounts accounts;

    public PushChannel(PushProvider provider) {
        this(provider, null);
    }

    /** Through the tenant's own FCM projects in its order when {@code accounts} is given. */
    public PushChannel(PushProvider provider, PushAccounts accounts) {
        this.provider = provider;
        this.accounts = accounts;
    }

    @Override
    public List<String> accounts(String tenantId) {
        return accounts == null ? List.of(TenantAccounts.PLATFORM) : accounts.order(tenantId);
    }

    @Override
    public String send(String account, String tenantId, PushDispatch push, String token, Instant now) {
        PushProvider through =
                accounts == null || TenantAccounts.PLATFORM.equals(account) ? provider : accounts.provider(account);
        return through.send(new PushProvider.Push(token, push.title(), push.body(), data(push), push.expiresAt(), now));
    }

    @Override
    public Channel channel() {
        return Channel.PUSH;
    }

    @Override
    public Class<PushDispatch> dispatchType() {
        return PushDispatch.class;
    }

    @Override
    public String provider() {
        return provider.name();
    }

    @Override
    public List<String> recipients(PushDispatch push) {
        return push.tokens();
    }

    @Override
    public boolean perRecipient() {
        return true;
    }

    @Override
    public String send(String tenantId, PushDispatch push, String token, Instant now) {
        return provider.send(
                new PushProvider.Push(token, push.title(), push.body(), data(push), push.expiresAt(), now));
    }

    @Override
    public ProviderRefused whenAllRefused(PushDispatch push, List<ProviderRefused> refusals) {
        if (refusals.stream().allMatch(r -> "suppressed".equals(r.code()))) {
            return refusals.getFirst();
        }
        return new ProviderRefused("UNREGISTERED", refusals.size() + " push token(s), none valid");
    }

    /** The message's data, plus the reschedule link when it is about an appointment. */
    static Map<String, String> data(PushDispatch push) {
        Map<String, String> data = new LinkedHashMap<>(push.data() == null ? Map.of() : push.data());
        if (push.appointment() != null && push.appointment().rescheduleUrl() != null) {
            data.putIfAbsent("rescheduleUrl", push.appointment().rescheduleUrl());
        }
        data.put("messageId", push.messageId());
        return data;
    }
}
