package io.paddock.bench.lambda.plain;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The least a Java Lambda behind an HTTP API can do: read the v2 event, answer 200 with a JSON body. It is
 * the cold-start benchmark's floor — what the JVM and the runtime client cost before any framework.
 */
public class PlainHandler implements RequestStreamHandler {

    // The response is a constant: parsing the event would need a JSON library, which is what this baseline
    // leaves out. The event is still read to its end, as the runtime hands it over.
    private static final byte[] RESPONSE = """
            {"statusCode":200,"headers":{"Content-Type":"application/json"},"body":"{\\"hello\\":\\"plain\\"}","isBase64Encoded":false}"""
            .getBytes(StandardCharsets.UTF_8);

    @Override
    public void handleRequest(InputStream event, OutputStream response, Context context) throws IOException {
        event.readAllBytes();
        response.write(RESPONSE);
    }
}
