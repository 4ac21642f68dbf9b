package io.relay.routing.customer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** What routing needs of a customer's profile in preference-service. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CustomerContact(String customerId, String email, String phone, String timeZone, String locale) {}
