package io.relay.web;

/** One thing wrong with a request, named by the field's JSON path ({@code content.email.subject}). */
public record FieldViolation(String field, String message) {}
