package io.paddock.db.deploy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * The answer PUT to the ResponseURL, in CloudFormation's field names. StackId, RequestId and
 * LogicalResourceId are echoed from the request; Data values become {@code Fn::GetAtt} attributes (strings).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record CustomResourceResponse(
        @JsonProperty("Status") String status,
        @JsonProperty("Reason") String reason,
        @JsonProperty("PhysicalResourceId") String physicalResourceId,
        @JsonProperty("StackId") String stackId,
        @JsonProperty("RequestId") String requestId,
        @JsonProperty("LogicalResourceId") String logicalResourceId,
        @JsonProperty("Data") Map<String, String> data) {

    /**
     * CloudFormation refuses a response body over 4096 bytes. The other fields take at most ~1.2 KB
     * (LogicalResourceId ≤ 255, the stack ARN, a UUID, our id and Data), and a char is at most 3 bytes in
     * UTF-8, so 800 chars of reason always fit.
     */
    static final int MAX_REASON = 800;

    static CustomResourceResponse success(CustomResourceRequest request, String physicalResourceId, String reason,
                                          Map<String, String> data) {
        return of("SUCCESS", request, physicalResourceId, reason, data);
    }

    static CustomResourceResponse failed(CustomResourceRequest request, String physicalResourceId, String reason) {
        return of("FAILED", request, physicalResourceId, reason, Map.of());
    }

    private static CustomResourceResponse of(String status, CustomResourceRequest request, String physicalResourceId,
                                             String reason, Map<String, String> data) {
        String oneLine = reason.replaceAll("\\s+", " ").strip();
        if (oneLine.length() > MAX_REASON) {
            int cut = MAX_REASON - 1;
            if (Character.isHighSurrogate(oneLine.charAt(cut - 1))) {
                cut--; // never split a surrogate pair into invalid UTF-8
            }
            oneLine = oneLine.substring(0, cut) + "…";
        }
        return new CustomResourceResponse(status, oneLine, physicalResourceId, request.stackId(), request.requestId(),
                request.logicalResourceId(), data);
    }
}
