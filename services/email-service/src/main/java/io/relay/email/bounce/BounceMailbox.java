package io.relay.email.bounce;

import io.relay.channel.ChannelEvents;
import io.relay.contracts.Suppressions;
import io.relay.contracts.payload.ContactEvent;
import io.relay.contracts.payload.DeliveryEvent;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.search.FlagTerm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Reads the bounce mailbox over IMAP (Jakarta Mail) every {@code relay.bounces.poll-interval}. A hard
 * bounce fails its message (routing falls back where the customer allows) and puts the address on the
 * suppression list; a complaint opts the customer out of marketing email; a soft bounce is only noted.
 * A report is deleted once what it says is published (confirmed by the broker), so a crash reads it
 * again and repeats nothing that matters (the events are idempotent). A report that matches nothing
 * we sent is marked read and left for a person.
 */
@Component
public class BounceMailbox implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BounceMailbox.class);

    private final BounceProperties settings;
    private final ReturnPaths returnPaths;
    private final ChannelEvents events;
    private final Clock clock;
    private final Session session;
    private volatile boolean running;
    private Thread worker;

    public BounceMailbox(BounceProperties settings, ReturnPaths returnPaths, ChannelEvents events, Clock clock) {
        this.settings = settings;
        this.returnPaths = returnPaths;
        this.events = events;
        this.clock = clock;
        Properties props = new Properties();
        String protocol = protocol();
        props.put("mail." + protocol + ".connectiontimeout", "5000");
        props.put("mail." + protocol + ".timeout", "10000");
        this.session = Session.getInstance(props);
    }

    private String protocol() {
        return settings.imapTls() ? "imaps" : "imap";
    }

    /** Reads what is in the mailbox now; returns how many reports were acted on. */
    public int poll() throws MessagingException, IOException {
        int acted = 0;
        try (Store store = session.getStore(protocol())) {
            store.connect(settings.imapHost(), settings.imapPort(), settings.username(), settings.password());
            Folder folder = store.getFolder(settings.folder());
            folder.open(Folder.READ_WRITE);
            try {
                for (Message message : folder.search(new FlagTerm(new Flags(Flags.Flag.SEEN), false))) {
                    if (handle(message)) {
                        message.setFlag(Flags.Flag.DELETED, true);
                        acted++;
                    } else {
                        message.setFlag(Flags.Flag.SEEN, true);
                    }
                }
            } finally {
                folder.close(true); // expunges what was acted on
            }
        }
        return acted;
    }

    /** True when the report was ours and what it says is published. */
    private boolean handle(Message message) throws MessagingException, IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        message.writeTo(raw);
        Optional<ReturnPaths.Sent> sent = returnPaths.find(raw.toString(StandardCharsets.UTF_8));
        Reports.Report report = Reports.read(message);
        if (sent.isEmpty()) {
            log.info("a report in the bounce mailbox matches nothing we sent: {}", report);
            return false;
        }
        ReturnPaths.Sent to = sent.get();
        switch (report) {
            case Reports.Bounce bounce
            when bounce.permanent() -> {
                String detail = bounce.status() + (bounce.diagnostic() == null ? "" : " " + bounce.diagnostic());
                events.publish(
                        to.tenantId(),
                        null,
                        events.delivery(
                                to.messageId(), DeliveryEvent.Status.FAILED, null, "bounced", "hard bounce " + detail));
                String address = ours(bounce.recipient(), to);
                if (address != null) {
                    events.publish(
                            "bounce_" + to.messageId(),
                            to.tenantId(),
                            null,
                            new ContactEvent(ContactEvent.Kind.EMAIL_BOUNCED, address, null, detail, clock.instant()));
                }
                log.info("hard bounce {} for {}", bounce.status(), to.messageId());
            }
            case Reports.Bounce bounce -> log.info("soft bounce {} for {}: noted", bounce.status(), to.messageId());
            case Reports.Complaint complaint -> {
                events.publish(
                        "complaint_" + to.messageId(),
                        to.tenantId(),
                        null,
                        new ContactEvent(
                                ContactEvent.Kind.EMAIL_COMPLAINED,
                                ours(complaint.recipient(), to),
                                null,
                                complaint.feedbackType()
                                        + (complaint.reportId() == null ? "" : " " + complaint.reportId()),
                                clock.instant(),
                                to.customerId()));
                log.info("complaint ({}) about {}", complaint.feedbackType(), to.messageId());
            }
            case Reports.Other other -> {
                log.info("a message to a return path that is no report ({}): left for a person", other.what());
                return false;
            }
        }
        return true;
    }

    /** The report's recipient when it is the address we sent to (by its hash), else null: a report names no one else. */
    private static String ours(String recipient, ReturnPaths.Sent sent) {
        return recipient != null && Suppressions.addressHash("email", recipient).equals(sent.recipientHash())
                ? recipient
                : null;
    }

    private void loop() {
        while (running) {
            try {
                poll();
            } catch (MessagingException | IOException | RuntimeException e) {
                log.warn("bounce mailbox not read, trying again in {}: {}", settings.pollInterval(), e.toString());
            }
            try {
                Thread.sleep(settings.pollInterval());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void start() {
        if (!settings.enabled()
                || settings.imapHost() == null
                || settings.imapHost().isBlank()) {
            log.info("no bounce mailbox to read (BOUNCE_DOMAIN or BOUNCE_IMAP_HOST unset)");
            return;
        }
        log.info("reading {}", settings);
        running = true;
        worker = Thread.ofVirtual().name("bounce-mailbox").start(this::loop);
    }

    @Override
    public void stop() {
        running = false;
        if (worker != null) {
            worker.interrupt();
            try {
                worker.join(Duration.ofSeconds(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
