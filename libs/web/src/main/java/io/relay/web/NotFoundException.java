package io.relay.web;

/** Nothing by that id for this tenant, whether or not another tenant has one (api.md: never reveal). */
public class NotFoundException extends RuntimeException {
    public NotFoundException(String what) {
        super(what + " not found");
    }
}
