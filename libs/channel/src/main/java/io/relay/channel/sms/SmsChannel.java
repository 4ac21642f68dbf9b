package io.relay.channel.sms;

import io.relay.channel.Delivery;
import io.relay.channel.accounts.TenantAccounts;
import io.relay.contracts.Channel;
import io.relay.contracts.payload.SmsDispatch;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The SMS channel over any {@link SmsProvider}: the text the customer reads, one recipient; through the
 * tenant's own accounts in order when the service has {@link SmsAccounts}, else through the one provider.
 */
public final class SmsChannel implements Delivery<SmsDispatch> {

    private final SmsProvider provider;
    private final SmsAccounts accounts;

    public SmsChannel(SmsProvider provider) {
        this(provider, null);
    }

    public SmsChannel(SmsProvider provider, SmsAccounts accounts) {
        this.provider = provider;
        this.accounts = accounts;
    }

    @Override
    public List<String> accounts(String tenantId) {
        return accounts == null ? List.of(TenantAccounts.PLATFORM) : accounts.order(tenantId);
    }

    private SmsProvider through(String account) {
        return accounts == null || TenantAccounts.PLATFORM.equals(account) ? provider : accounts.provider(account);
    }

    @Override
    public String send(String account, String tenantId, SmsDispatch sms, String to, Instant now) {
        return through(account).send(sms(tenantId, sms));
    }

    @Override
    public Optional<String> alreadyTaken(String account, String tenantId, SmsDispatch sms, String to, Instant since) {
        return through(account).alreadySent(sms(tenantId, sms), since);
    }

    @Override
    public Channel channel() {
        return Channel.SMS;
    }

    @Override
    public Class<SmsDispatch> dispatchType() {
        return SmsDispatch.class;
    }

    @Override
    public String provider() {
        return provider.name();
    }

    @Override
    public List<String> recipients(SmsDispatch sms) {
        return List.of(sms.to());
    }

    @Override
    public String send(String tenantId, SmsDispatch sms, String to, Instant now) {
        return provider.send(sms(tenantId, sms));
    }

    @Override
    public boolean reconciles() {
        return true;
    }

    @Override
    public Optional<String> alreadyTaken(String tenantId, SmsDispatch sms, String to, Instant since) {
        return provider.alreadySent(sms(tenantId, sms), since);
    }

    private static SmsProvider.Sms sms(String tenantId, SmsDispatch sms) {
        return new SmsProvider.Sms(tenantId, sms.messageId(), sms.to(), sms.from(), body(sms));
    }

    /** The text, plus the reschedule link when the message is about an appointment. */
    static String body(SmsDispatch sms) {
        if (sms.appointment() != null
                && sms.appointment().rescheduleUrl() != null
                && !sms.text().contains(sms.appointment().rescheduleUrl())) {
            return sms.text() + "\nReschedule: " + sms.appointment().rescheduleUrl();
        }
        return sms.text();
    }
}
