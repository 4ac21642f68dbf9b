package io.relay.web;

/** The request is valid but clashes with the resource's current state. */
public class ConflictException extends RuntimeException {
    public ConflictException(String detail) {
        super(detail);
    }
}
