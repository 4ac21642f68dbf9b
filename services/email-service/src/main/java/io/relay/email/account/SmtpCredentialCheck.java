package io.relay.email.account;

import io.relay.channel.accounts.CredentialCheck;
import io.relay.channel.accounts.TenantAccounts;
import io.relay.email.send.SmtpRelay;
import io.relay.security.OutboundTargets;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** A tenant's SMTP relay is checked by connecting and logging in, then leaving without sending anything. */
@Component
public class SmtpCredentialCheck implements CredentialCheck {

    private final OutboundTargets targets;

    public SmtpCredentialCheck(OutboundTargets providerTargets) {
        this.targets = providerTargets;
    }

    @Override
    public String type() {
        return "smtp";
    }

    @Override
    public Optional<Refusal> refusal(TenantAccounts.Opened account) {
        try {
            SmtpAccounts.relay(account, targets).check();
            return Optional.empty();
        } catch (AuthenticationFailedException e) {
            return Optional.of(new Refusal("secrets.password", "the relay refused this login (535)"));
        } catch (SmtpRelay.NotConnected e) {
            return Optional.of(new Refusal("config.host", e.getMessage()));
        } catch (MessagingException e) {
            return Optional.of(new Refusal("config.tls", "the relay could not be spoken to with these settings"));
        }
    }
}
