package io.relay.web;

import io.relay.security.CanonicalPath;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

/**
 * Tomcat's own refusals (a request it will not map at all, such as a path with an encoded '/' or '\')
 * answered as RFC 9457 problem details like every other error, instead of Tomcat's HTML page: a path
 * that is not canonical gets the same 400 the {@link CanonicalPathFilter} and the gateway give.
 */
public class ProblemReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(true);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        String body = CanonicalPath.refusal(request.getRequestURI())
                .map(CanonicalPath::problemJson)
                .orElse("{\"type\":\"" + Problems.TYPE_BASE + "http-" + status + "\",\"title\":\"Request refused\","
                        + "\"status\":" + status + "}");
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            PrintWriter writer = response.getReporter();
            if (writer != null) {
                writer.write(body);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response is committed: nothing more to say
        }
    }
}
