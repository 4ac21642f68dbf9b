package io.relay.preference.customer;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import io.relay.web.FieldViolation;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a profile before anything is stored; returns every problem, not just the first. */
public final class CustomerValidator {

    /** Ids travel in paths, keys and logs: a safe alphabet and a sane length. */
    public static final Pattern ID = Pattern.compile("(?!\\.\\.?$)[A-Za-z0-9._:@-]{1,128}");

    // Deliberately simple: one @, no spaces, a dot in the domain. Deliverability is the SMTP server's call.
    private static final Pattern EMAIL = Pattern.compile("[^@\\s\"<>,;]{1,64}@[^@\\s\"<>,;]+\\.[^@\\s\"<>,;]{2,}");
    private static final Set<String> PLATFORMS = Set.of("android", "ios", "web");
    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    private CustomerValidator() {}

    public static List<FieldViolation> violations(String customerId, CustomerProfile profile) {
        return violations(customerId, profile, null);
    }

    /**
     * @param smsCountries the countries the tenant may text (ISO 3166 codes, comma-separated; null or "*":
     *     any), as the gateway passes them
     */
    public static List<FieldViolation> violations(String customerId, CustomerProfile profile, String smsCountries) {
        List<FieldViolation> violations = new ArrayList<>();
        if (!ID.matcher(customerId).matches()) {
            violations.add(new FieldViolation("customerId", "must be 1-128 letters, digits or ._:@-"));
        }
        if (profile.email() != null
                && (profile.email().length() > 254
                        || !EMAIL.matcher(profile.email()).matches())) {
            violations.add(new FieldViolation("email", "is not an email address"));
        }
        if (profile.phone() != null && !isE164(profile.phone())) {
            violations.add(new FieldViolation("phone", "must be a valid number in E.164 form, e.g. +31612345678"));
        } else if (profile.phone() != null) {
            phoneForSms(profile.phone(), smsCountries)
                    .ifPresent(why -> violations.add(new FieldViolation("phone", why)));
        }
        for (int i = 0; i < profile.pushTokens().size(); i++) {
            PushToken token = profile.pushTokens().get(i);
            if (token == null
                    || token.token() == null
                    || token.token().isBlank()
                    || token.token().length() > 4096) {
                violations.add(new FieldViolation("pushTokens[" + i + "].token", "is required"));
            }
            if (token == null || !PLATFORMS.contains(token.platform())) {
                violations.add(new FieldViolation("pushTokens[" + i + "].platform", "must be android, ios or web"));
            }
        }
        if (profile.timeZone() != null && !isZone(profile.timeZone())) {
            violations.add(new FieldViolation("timeZone", "is not an IANA time zone id, e.g. Europe/Amsterdam or UTC"));
        }
        if (profile.locale() != null && !isLocale(profile.locale())) {
            violations.add(new FieldViolation("locale", "is not a language tag, e.g. nl-NL"));
        }
        profile.attributes().forEach((name, value) -> {
            if (name.isBlank() || name.length() > 64) {
                violations.add(new FieldViolation("attributes", "names must be 1-64 characters"));
            } else if (value != null && value.length() > 1024) {
                violations.add(new FieldViolation("attributes." + name, "must be at most 1024 characters"));
            } else if (value != null && value.codePoints().anyMatch(Character::isISOControl)) {
                // attributes fill templates, email subjects included: a line break there is a header
                violations.add(new FieldViolation("attributes." + name, "must not contain control characters"));
            }
        });
        return violations;
    }

    static boolean isE164(String phone) {
        if (!phone.matches("\\+[1-9][0-9]{6,14}")) {
            return false;
        }
        try {
            return PHONES.isValidNumber(PHONES.parse(phone, null));
        } catch (NumberParseException e) {
            return false;
        }
    }

    /** Number types that can take an SMS; premium-rate, shared-cost, fixed lines, pagers... cannot, or cost. */
    private static final java.util.Set<PhoneNumberUtil.PhoneNumberType> TEXTABLE = java.util.EnumSet.of(
            PhoneNumberUtil.PhoneNumberType.MOBILE,
            PhoneNumberUtil.PhoneNumberType.FIXED_LINE_OR_MOBILE,
            PhoneNumberUtil.PhoneNumberType.PERSONAL_NUMBER,
            PhoneNumberUtil.PhoneNumberType.VOIP);

    /**
     * Why an SMS to this valid number is refused, if it is: a premium-rate or shared-cost number (for every
     * tenant: SMS pumping pays whoever owns those), a type that cannot take an SMS, or a country the tenant
     * may not text.
     */
    static java.util.Optional<String> phoneForSms(String phone, String smsCountries) {
        try {
            var number = PHONES.parse(phone, null);
            var type = PHONES.getNumberType(number);
            if (type == PhoneNumberUtil.PhoneNumberType.PREMIUM_RATE
                    || type == PhoneNumberUtil.PhoneNumberType.SHARED_COST) {
                return java.util.Optional.of("is a premium-rate or shared-cost number, which no tenant may text");
            }
            if (!TEXTABLE.contains(type)) {
                return java.util.Optional.of("is a "
                        + type.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " number, which cannot take an SMS");
            }
            String region = PHONES.getRegionCodeForNumber(number);
            if (smsCountries != null
                    && !smsCountries.isBlank()
                    && !smsCountries.strip().equals("*")) {
                boolean allowed = java.util.Arrays.stream(smsCountries.split(","))
                        .map(String::strip)
                        .anyMatch(c -> c.equalsIgnoreCase(region));
                if (!allowed) {
                    return java.util.Optional.of("is in " + region + ", not among the countries this tenant may text ("
                            + smsCountries + ")");
                }
            }
            return java.util.Optional.empty();
        } catch (NumberParseException e) {
            return java.util.Optional.of("must be a valid number in E.164 form, e.g. +31612345678");
        }
    }

    /** The JDK's tz database ids exactly: UTC, Etc/UTC, America/New_York; not an offset like +02:00. */
    private static final java.util.Set<String> ZONES = ZoneId.getAvailableZoneIds();

    static boolean isZone(String zone) {
        return ZONES.contains(zone);
    }

    static boolean isLocale(String tag) {
        try {
            Locale locale = new Locale.Builder().setLanguageTag(tag).build();
            return !locale.getLanguage().isEmpty();
        } catch (IllformedLocaleException e) {
            return false;
        }
    }
}
