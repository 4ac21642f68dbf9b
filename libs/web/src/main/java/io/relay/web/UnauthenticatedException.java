package io.relay.web;

/** The caller did not prove who it is. */
public class UnauthenticatedException extends RuntimeException {
    public UnauthenticatedException(String detail) {
        super(detail);
    }
}
