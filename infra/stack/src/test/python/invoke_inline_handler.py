"""Run the inline Python code of a Lambda-backed custom resource as CloudFormation would, and say what it answered.

Usage: python3 invoke_inline_handler.py REQUEST_JSON
  REQUEST_JSON  a file holding {"code": <the function's ZipFile/InlineCode>, "handler": "index.handler",
                "events": [<custom-resource request>, ...]}

For each event, calls the handler once and writes, as one JSON array on stdout, the response each call sent
back: the JSON body the handler PUT to the event's ResponseURL, which this script points at a server of its
own on 127.0.0.1 (the way urllib code and AWS's cfnresponse module both answer). A stand-in `cfnresponse`
module is installed, since CloudFormation provides one to inline code but this interpreter has none.
Errors (a handler that raises, or answers nothing within RESPONSE_TIMEOUT_SECONDS) go to stderr, exit 1.
"""

import http.server
import json
import queue
import sys
import threading
import types
import urllib.request

RESPONSE_TIMEOUT_SECONDS = 10


class ResponseReceiver(http.server.BaseHTTPRequestHandler):
    received = queue.Queue()  # not "responses": BaseHTTPRequestHandler has that (the status texts)

    def do_PUT(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        ResponseReceiver.received.put(json.loads(body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):  # keep stderr for errors
        pass


def cfnresponse_stand_in():
    """What AWS's cfnresponse module does: PUT the response body to the event's ResponseURL."""
    module = types.ModuleType("cfnresponse")
    module.SUCCESS, module.FAILED = "SUCCESS", "FAILED"

    def send(event, context, response_status, response_data, physical_resource_id=None, no_echo=False, reason=None):
        body = {"Status": response_status, "Reason": reason or "",
                "PhysicalResourceId": physical_resource_id or context.log_stream_name,
                "StackId": event["StackId"], "RequestId": event["RequestId"],
                "LogicalResourceId": event["LogicalResourceId"], "NoEcho": no_echo, "Data": response_data}
        request = urllib.request.Request(event["ResponseURL"], data=json.dumps(body).encode(), method="PUT")
        urllib.request.urlopen(request, timeout=RESPONSE_TIMEOUT_SECONDS)

    module.send = send
    return module


def load_handler(code, handler):
    module_name, _, function_name = handler.rpartition(".")
    module = types.ModuleType(module_name)
    sys.modules[module_name] = module
    exec(compile(code, f"<inline {module_name}.py>", "exec"), module.__dict__)
    return getattr(module, function_name)


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        request = json.load(f)

    server = http.server.HTTPServer(("127.0.0.1", 0), ResponseReceiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    response_url = f"http://127.0.0.1:{server.server_address[1]}/response"
    sys.modules["cfnresponse"] = cfnresponse_stand_in()
    handler = load_handler(request["code"], request["handler"])

    responses = []
    try:
        for number, event in enumerate(request["events"]):
            event = dict(event, ResponseURL=response_url)
            context = types.SimpleNamespace(
                aws_request_id=f"request-{number}", log_stream_name="local", function_name="inline",
                get_remaining_time_in_millis=lambda: RESPONSE_TIMEOUT_SECONDS * 1000)
            handler(event, context)
            try:
                responses.append(ResponseReceiver.received.get(timeout=RESPONSE_TIMEOUT_SECONDS))
            except queue.Empty:
                raise TimeoutError(f"the handler sent no response to ResponseURL within {RESPONSE_TIMEOUT_SECONDS} s")
    finally:
        server.shutdown()
    json.dump(responses, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except Exception as e:
        sys.stderr.write(f"{type(e).__name__}: {e}\n")
        sys.exit(1)
