package io.relay.web;

/** Something this answer needs cannot be reached right now: 503, retry later; nothing partial is returned. */
public class UnavailableException extends RuntimeException {
    public UnavailableException(String detail) {
        super(detail);
    }
}
