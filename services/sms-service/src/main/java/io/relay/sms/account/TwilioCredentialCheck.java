package io.relay.sms.account;

import com.twilio.exception.ApiException;
import com.twilio.http.NetworkHttpClient;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.Account;
import io.relay.channel.accounts.CredentialCheck;
import io.relay.channel.accounts.TenantAccounts;
import io.relay.sms.send.TwilioSmsProvider;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * A tenant's Twilio account is checked by asking Twilio for the account itself
 * ({@code GET /2010-04-01/Accounts/{sid}.json}), which changes nothing: with the API key when it sends with
 * one, and with the auth token always, since Twilio signs the account's webhooks with it.
 */
@Component
public class TwilioCredentialCheck implements CredentialCheck {

    private final NetworkHttpClient http;

    public TwilioCredentialCheck(NetworkHttpClient twilioHttpClient) {
        this.http = twilioHttpClient;
    }

    @Override
    public String type() {
        return "twilio";
    }

    @Override
    public Optional<Refusal> refusal(TenantAccounts.Opened account) {
        String accountSid = (String) account.config().get("accountSid");
        boolean apiKey = account.config().get("apiKeySid") != null;
        try {
            if (apiKey) {
                // a wrong token would refuse every STOP sent to this account's numbers
                Optional<Refusal> token = refused(
                        accountSid,
                        new TwilioRestClient.Builder(
                                        accountSid, account.secrets().get("authToken"))
                                .httpClient(http)
                                .build(),
                        "secrets.authToken");
                if (token.isPresent()) {
                    return token;
                }
            }
            return refused(
                    accountSid,
                    TwilioSmsProvider.client(account, http),
                    apiKey ? "secrets.apiKeySecret" : "secrets.authToken");
        } catch (ApiException e) {
            throw new Unavailable("Twilio could not check them now (" + e.getStatusCode() + ")");
        } catch (RuntimeException e) {
            throw new Unavailable("Twilio could not be reached to check them");
        }
    }

    private static Optional<Refusal> refused(String accountSid, TwilioRestClient client, String field) {
        try {
            Account found = Account.fetcher(accountSid).fetch(client);
            if (found.getStatus() != null && found.getStatus() != Account.Status.ACTIVE) {
                return Optional.of(new Refusal("config.accountSid", "the Twilio account is " + found.getStatus()));
            }
            return Optional.empty();
        } catch (ApiException e) {
            Integer status = e.getStatusCode();
            if (status != null && (status == 401 || status == 403 || status == 404)) {
                return Optional.of(new Refusal(
                        field, "Twilio refused these credentials for account " + accountSid + " (" + status + ")"));
            }
            throw e;
        }
    }
}
