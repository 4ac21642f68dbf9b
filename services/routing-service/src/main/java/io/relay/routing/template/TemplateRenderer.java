package io.relay.routing.template;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import io.relay.routing.message.MessageRequest;
import io.relay.web.FieldViolation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Renders templates with JMustache, strictly: a placeholder with no value is an error naming it, never
 * a blank in a customer's message. Email HTML is HTML-escaped; subjects, text, SMS and push are not
 * (they are not HTML). Plain Java: no Spring, no I/O.
 */
public final class TemplateRenderer {

    private static final Mustache.Compiler HTML = Mustache.compiler().strictSections(true);
    private static final Mustache.Compiler PLAIN =
            Mustache.compiler().strictSections(true).escapeHTML(false);

    private TemplateRenderer() {}

    /** A value the template needs and the message did not give. */
    public static final class MissingValue extends RuntimeException {
        private final String name;

        MissingValue(String name) {
            super("no value for {{" + name + "}}");
            this.name = name;
        }

        public String name() {
            return name;
        }
    }

    /** Syntax and completeness of a template before it is stored. */
    public static List<FieldViolation> violations(Template template) {
        List<FieldViolation> v = new ArrayList<>();
        if (template.defaultLocale() == null || template.defaultLocale().isBlank()) {
            v.add(new FieldViolation("defaultLocale", "is required, e.g. en"));
        }
        if (template.channels() == null
                || (template.channels().email().isEmpty()
                        && template.channels().sms().isEmpty()
                        && template.channels().push().isEmpty())) {
            v.add(new FieldViolation("channels", "must have content for at least one channel"));
            return v;
        }
        check(v, "email", template.channels().email(), template.defaultLocale(), (path, c) -> {
            compile(v, path + ".subject", c.subject(), PLAIN, true);
            compile(v, path + ".text", c.text(), PLAIN, false);
            compile(v, path + ".html", c.html(), HTML, false);
        });
        check(
                v,
                "sms",
                template.channels().sms(),
                template.defaultLocale(),
                (path, c) -> compile(v, path + ".text", c.text(), PLAIN, true));
        check(v, "push", template.channels().push(), template.defaultLocale(), (path, c) -> {
            compile(v, path + ".title", c.title(), PLAIN, false);
            compile(v, path + ".body", c.body(), PLAIN, false);
        });
        return v;
    }

    private static <T> void check(
            List<FieldViolation> v,
            String channel,
            Map<String, T> variants,
            String defaultLocale,
            BiConsumer<String, T> each) {
        if (variants.isEmpty()) {
            return;
        }
        if (defaultLocale != null && !variants.containsKey(defaultLocale)) {
            v.add(new FieldViolation("channels." + channel, "has no variant for the default locale " + defaultLocale));
        }
        variants.forEach((locale, content) -> {
            if (content == null) {
                v.add(new FieldViolation("channels." + channel + "." + locale, "is empty"));
            } else {
                each.accept("channels." + channel + "." + locale, content);
            }
        });
    }

    private static final java.util.regex.Pattern INCLUDE_OR_DELIMITERS =
            java.util.regex.Pattern.compile("\\{\\{\\s*[>=<]");

    private static void compile(
            List<FieldViolation> v, String field, String source, Mustache.Compiler compiler, boolean required) {
        if (source == null) {
            if (required) {
                v.add(new FieldViolation(field, "is required"));
            }
            return;
        }
        if (INCLUDE_OR_DELIMITERS.matcher(source).find()) {
            // a partial would be read when the template is first filled in, from wherever a loader points
            v.add(new FieldViolation(field, "partials ({{> …}}) and delimiter changes ({{= …}}) are not supported"));
            return;
        }
        try {
            compiler.compile(source);
        } catch (MustacheException e) {
            v.add(new FieldViolation(field, "is not a valid template: " + e.getMessage()));
        }
    }

    /** The variant for this locale: exact tag, then its language, then the template's default. */
    public static String pickLocale(Map<String, ?> variants, String wanted, String defaultLocale) {
        if (wanted != null) {
            if (variants.containsKey(wanted)) {
                return wanted;
            }
            String language = Locale.forLanguageTag(wanted).getLanguage();
            if (variants.containsKey(language)) {
                return language;
            }
        }
        return defaultLocale;
    }

    /**
     * The message content for a customer: every channel of the template in the customer's locale,
     * with the message's data and the customer's attributes as {@code customer.*}.
     *
     * @throws MissingValue naming the first placeholder without a value
     */
    public static MessageRequest.Content render(
            Template template, String locale, Map<String, String> data, Map<String, String> customerAttributes) {
        Map<String, Object> context = new HashMap<>(data == null ? Map.of() : data);
        context.put("customer", new HashMap<>(customerAttributes == null ? Map.of() : customerAttributes));
        Template.Channels c = template.channels();
        MessageRequest.EmailContent email = null;
        if (!c.email().isEmpty()) {
            MessageRequest.EmailContent v = c.email().get(pickLocale(c.email(), locale, template.defaultLocale()));
            email = new MessageRequest.EmailContent(
                    apply(PLAIN, v.subject(), context),
                    apply(PLAIN, v.text(), context),
                    apply(HTML, v.html(), context));
        }
        MessageRequest.SmsContent sms = null;
        if (!c.sms().isEmpty()) {
            MessageRequest.SmsContent v = c.sms().get(pickLocale(c.sms(), locale, template.defaultLocale()));
            sms = new MessageRequest.SmsContent(apply(PLAIN, v.text(), context));
        }
        MessageRequest.PushContent push = null;
        if (!c.push().isEmpty()) {
            MessageRequest.PushContent v = c.push().get(pickLocale(c.push(), locale, template.defaultLocale()));
            Map<String, String> pushData = v.data() == null ? null : new LinkedHashMap<>(v.data());
            push = new MessageRequest.PushContent(
                    apply(PLAIN, v.title(), context), apply(PLAIN, v.body(), context), pushData);
        }
        return new MessageRequest.Content(email, sms, push);
    }

    private static String apply(Mustache.Compiler compiler, String source, Map<String, Object> context) {
        if (source == null) {
            return null;
        }
        try {
            return compiler.compile(source).execute(context);
        } catch (MustacheException.Context e) {
            throw new MissingValue(e.key);
        }
    }
}
