package io.paddock.db.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;

/**
 * The fields of a CloudFormation custom resource event this function acts on. ResourceProperties are not
 * read: they exist so the template can change one (a version) and thereby make CloudFormation send an
 * Update on a deploy.
 */
record CustomResourceRequest(String requestType, URI responseUrl, String stackId, String requestId,
                             String logicalResourceId, String physicalResourceId) {

    /** @throws IllegalArgumentException when there is no usable ResponseURL: then nothing can be answered */
    static CustomResourceRequest parse(byte[] event, ObjectMapper json) {
        JsonNode node;
        try {
            node = json.readTree(event);
        } catch (IOException e) {
            throw new IllegalArgumentException("the event is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("the event is not a JSON object");
        }
        String url = text(node, "ResponseURL");
        URI responseUrl;
        try {
            responseUrl = url == null ? null : URI.create(url);
        } catch (IllegalArgumentException e) {
            responseUrl = null;
        }
        if (responseUrl == null || responseUrl.getHost() == null
                || !("https".equals(responseUrl.getScheme()) || "http".equals(responseUrl.getScheme()))) {
            throw new IllegalArgumentException("the event has no usable ResponseURL; is this a CloudFormation custom resource event?");
        }
        return new CustomResourceRequest(text(node, "RequestType"), responseUrl, text(node, "StackId"),
                text(node, "RequestId"), text(node, "LogicalResourceId"), text(node, "PhysicalResourceId"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** The presigned URL's signature grants a write: logs name the host only. */
    @Override
    public String toString() {
        return "CustomResourceRequest[" + requestType + " " + logicalResourceId + " (" + physicalResourceId
                + ") of " + stackId + ", request " + requestId + ", answer to " + responseUrl.getHost() + "]";
    }
}
