package io.relay.gateway.proxy;

import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.ConnectionObserver;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.transport.TransportConfig;

/**
 * One pool of connections to the services per event loop. Reactor Netty keeps one pool for all loops,
 * so a request read on one loop usually borrows a connection that lives on another, and the request
 * and its answer each cross between threads (a wake-up, a queue, a context switch: about a third of
 * the gateway's CPU per request on two loops, measured with infra/bench/gateway.sh). Here a request
 * borrows from its own loop's pool, whose connections are made on that loop (the client's loops are
 * colocated with the server's), so the whole exchange stays on one thread. A caller that is not an
 * event loop (a request whose key had to be checked in Redis) uses a shared pool.
 */
public final class PoolPerEventLoop implements ConnectionProvider {

    private final Supplier<ConnectionProvider> newPool;
    private final ConnectionProvider shared;
    private final ConcurrentHashMap<EventExecutor, ConnectionProvider> perLoop = new ConcurrentHashMap<>();

    public PoolPerEventLoop(Supplier<ConnectionProvider> newPool) {
        this.newPool = newPool;
        this.shared = newPool.get();
    }

    @Override
    public Mono<? extends Connection> acquire(
            TransportConfig config,
            ConnectionObserver observer,
            Supplier<? extends SocketAddress> remoteAddress,
            AddressResolverGroup<?> resolverGroup) {
        // chosen when subscribed: that is the thread the connection will be used from
        return Mono.defer(() -> poolOfThisThread().acquire(config, observer, remoteAddress, resolverGroup));
    }

    private ConnectionProvider poolOfThisThread() {
        EventExecutor loop = ThreadExecutorMap.currentExecutor();
        return loop == null ? shared : perLoop.computeIfAbsent(loop, any -> newPool.get());
    }

    private List<ConnectionProvider> all() {
        List<ConnectionProvider> pools = new ArrayList<>(perLoop.values());
        pools.add(shared);
        return pools;
    }

    @Override
    public void disposeWhen(SocketAddress address) {
        all().forEach(pool -> pool.disposeWhen(address));
    }

    @Override
    public Mono<Void> disposeLater() {
        return Mono.when(all().stream().map(ConnectionProvider::disposeLater).toList());
    }

    @Override
    public void dispose() {
        all().forEach(ConnectionProvider::dispose);
    }

    @Override
    public boolean isDisposed() {
        return shared.isDisposed();
    }

    @Override
    public int maxConnections() {
        return shared.maxConnections();
    }

    @Override
    public String name() {
        return shared.name();
    }
}
