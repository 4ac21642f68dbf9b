package io.relay.testsupport;

import com.icegreen.greenmail.mail.MailAddress;
import com.icegreen.greenmail.mail.MovingMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.user.UserException;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A real SMTP server (GreenMail) on a free loopback port, for the duration of a test. */
public final class SmtpServer implements AutoCloseable {

    static {
        // GreenMail parses every message it stores with Jakarta Mail, which otherwise walks the class
        // path (ServiceLoader) for its StreamProvider per part: 15% of the load suite's own CPU
        System.getProperties()
                .putIfAbsent("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
    }

    private final GreenMail greenMail;
    private final int port;

    private SmtpServer(int port) {
        this.port = port;
        this.greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    }

    public static SmtpServer start() {
        return start(LocalInfrastructure.freePort());
    }

    /** On a port chosen before (a service under test was told it already). */
    public static SmtpServer start(int port) {
        SmtpServer server = new SmtpServer(port);
        server.greenMail.start();
        server.greenMail.getUserManager().setMessageDeliveryHandler(server::deliver);
        return server;
    }

    /** From now on only this login is taken: a client that logs in otherwise is refused (535). */
    public SmtpServer requireLogin(String login, String password) {
        greenMail.getUserManager().setAuthRequired(true);
        greenMail.setUser(login + "@relay.test", login, password);
        return this;
    }

    private volatile Hold hold;

    /**
     * From now on, the server stops in the middle of the next SMTP transaction: the message is read
     * but not yet stored or answered. The sender sits waiting for the reply, as a sender does when it
     * crashes mid-send.
     */
    public Hold holdDeliveries() {
        Hold h = new Hold();
        hold = h;
        return h;
    }

    /** A held SMTP transaction. */
    public final class Hold {
        private final CountDownLatch held = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        public boolean awaitHeld(Duration timeout) throws InterruptedException {
            return held.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Lets held transactions go on, refusing their messages: nothing held is stored. */
        public void refuseHeldAndResume() {
            hold = null;
            released.countDown();
        }
    }

    private GreenMailUser deliver(MovingMessage message, MailAddress address) throws MessagingException, UserException {
        Hold h = hold;
        if (h != null) {
            h.held.countDown();
            try {
                h.released.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new MessagingException("held delivery refused");
        }
        // one mailbox per address, even when two connections deliver to a new address at once
        GreenMailUser user;
        synchronized (this) {
            GreenMailUser known = greenMail.getUserManager().getUserByEmail(address.getEmail());
            user = known != null
                    ? known
                    : greenMail.getUserManager().createUser(address.getEmail(), address.getEmail(), "secret");
        }
        return countOnly ? new Counting(user) : user;
    }

    private volatile boolean countOnly;
    private final Map<String, Integer> counted = new ConcurrentHashMap<>();

    /**
     * From now on a message is counted by its subject, not kept: a load run's hundred thousand messages
     * would fill the heap, and a heap that grows while measured costs the load generator the most.
     * {@link #subjects()} has them all; {@link #received()} only those kept before.
     */
    public SmtpServer countOnly() {
        countOnly = true;
        return this;
    }

    /** How many messages arrived with each subject: those kept and those counted. */
    public Map<String, Integer> subjects() throws MessagingException {
        Map<String, Integer> all = new HashMap<>(counted);
        for (MimeMessage kept : greenMail.getReceivedMessages()) {
            all.merge(kept.getSubject(), 1, Integer::sum);
        }
        return all;
    }

    /** A mailbox that counts what is delivered to it instead of storing it. */
    private final class Counting implements GreenMailUser {
        private final GreenMailUser user;

        Counting(GreenMailUser user) {
            this.user = user;
        }

        @Override
        public void deliver(MovingMessage message) {
            deliver(message.getMessage());
        }

        @Override
        public void deliver(MimeMessage message) {
            try {
                counted.merge(String.valueOf(message.getSubject()), 1, Integer::sum);
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String getEmail() {
            return user.getEmail();
        }

        @Override
        public String getLogin() {
            return user.getLogin();
        }

        @Override
        public void create() {
            user.create();
        }

        @Override
        public void delete() {
            user.delete();
        }

        @Override
        public String getPassword() {
            return user.getPassword();
        }

        @Override
        public void setPassword(String password) {
            user.setPassword(password);
        }

        @Override
        public void authenticate(String password) throws UserException {
            user.authenticate(password);
        }

        @Override
        public String getQualifiedMailboxName() {
            return user.getQualifiedMailboxName();
        }
    }

    public int port() {
        return port;
    }

    public GreenMail greenMail() {
        return greenMail;
    }

    public List<MimeMessage> received() {
        return List.of(greenMail.getReceivedMessages());
    }

    /** Waits until at least {@code count} messages arrived, or the timeout passed. */
    public boolean awaitMessages(int count, Duration timeout) {
        return greenMail.waitForIncomingEmail(timeout.toMillis(), count);
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
