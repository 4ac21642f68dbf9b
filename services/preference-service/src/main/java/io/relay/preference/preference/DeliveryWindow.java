package io.relay.preference.preference;

import java.util.List;

/** Days ({@code MON}..{@code SUN}) and local hours ({@code HH:mm}) in the customer's zone. */
public record DeliveryWindow(List<String> days, String start, String end) {}
