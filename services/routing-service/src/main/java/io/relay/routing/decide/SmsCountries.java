package io.relay.routing.decide;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** Which phone numbers a tenant's smsCountries (ISO 3166 codes, "*" for any) let it text. */
final class SmsCountries {

    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    private SmsCountries() {}

    static boolean allowsAny(String countries, List<String> phones) {
        if (countries == null || countries.isBlank() || countries.strip().equals("*")) {
            return true;
        }
        Set<String> allowed = Arrays.stream(countries.split(","))
                .map(c -> c.strip().toUpperCase(Locale.ROOT))
                .collect(Collectors.toSet());
        return phones.stream().map(SmsCountries::region).anyMatch(allowed::contains);
    }

    static String regionsOf(List<String> phones) {
        return phones.stream().map(SmsCountries::region).distinct().collect(Collectors.joining(","));
    }

    private static String region(String phone) {
        try {
            String region = PHONES.getRegionCodeForNumber(PHONES.parse(phone, null));
            return region == null ? "ZZ" : region;
        } catch (NumberParseException e) {
            return "ZZ";
        }
    }
}
