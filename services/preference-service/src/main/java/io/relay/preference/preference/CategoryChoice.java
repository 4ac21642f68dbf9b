package io.relay.preference.preference;

import java.util.List;

/** The channels a customer accepts for one category, first choice first; empty means none. */
public record CategoryChoice(List<String> channels) {}
