package io.relay.channel.accounts;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A channel service's providers for tenants' own accounts, whatever the provider: the tenant's order of
 * accounts (from {@link TenantAccounts}), and one provider per account built from its opened credentials,
 * kept until the account's version moves (then the old one is handed to {@code retired}, e.g. to close its
 * connections).
 *
 * @param <P> the channel's provider type
 */
public final class OwnAccounts<P> {

    private record Built<P>(long version, P provider) {}

    private final TenantAccounts accounts;
    private final String channel;
    private final Function<TenantAccounts.Opened, P> build;
    private final Consumer<P> retired;
    /** The last listed version of each account, so a changed one is fetched and built again. */
    private final Map<String, TenantAccounts.AccountRef> listed = new ConcurrentHashMap<>();

    private final Map<String, Built<P>> built = new ConcurrentHashMap<>();

    public OwnAccounts(
            TenantAccounts accounts, String channel, Function<TenantAccounts.Opened, P> build, Consumer<P> retired) {
        this.accounts = accounts;
        this.channel = channel;
        this.build = build;
        this.retired = retired;
    }

    /** The accounts to try for a tenant, in order, the platform's last when it may be used. */
    public List<String> order(String tenantId) {
        TenantAccounts.Route route = accounts.route(tenantId, channel);
        route.accounts().forEach(ref -> listed.put(ref.id(), ref));
        return route.order();
    }

    /** The provider of one of the tenant's own accounts; {@link AccountGone} when it was deleted. */
    public P provider(String account) {
        TenantAccounts.AccountRef ref = listed.get(account);
        Built<P> held = built.get(account);
        if (held != null && (ref == null || held.version() >= ref.version())) {
            return held.provider();
        }
        TenantAccounts.Opened opened = ref != null ? accounts.open(ref) : accounts.fetch(account);
        Built<P> fresh = new Built<>(opened.version(), build.apply(opened));
        Built<P> previous = built.put(account, fresh);
        if (previous != null && previous != fresh) {
            retired.accept(previous.provider());
        }
        return fresh.provider();
    }
}
