"""Every message the doc-tests show a docs writer, defined once.

They speak of pages, blocks, directives and what a reader sees; never of the
harness's own modules. The Go runner keeps its own messages (go_runner).
"""

# --- Notes a page writes right after a block (labels, per page language) ------------------------
NOT_RUN_LABEL = {"en": "Not run in CI:", "zh": "CI 不运行："}
EXIT_LABEL = {"en": "Exit code {code}:", "zh": "退出码 {code}："}

# --- Reading a page ----------------------------------------------------------------------------
PAGE_REFUSED = "{error} (the page cannot be read, so none of its blocks ran)"
NO_RUNNER = "{where}: no doc-test runner for language {lang} (the doc-tests know: {known})"
DIRECTIVE_STRAY = (
    "{where}: this directive is not directly above a code block, so it applies to nothing: "
    "put it on the line right above the opening fence"
)
DIRECTIVE_MALFORMED = (
    "{where}: this comment looks like a directive but is not one: write `<!-- doctest: key=value ... -->`"
)
NOTE_MISWRITTEN = "{where}: `**{label}**` looks like a note saying {what}; write it as `**{expected}**`"
NOTE_SAYS_NOT_RUN = "the block is not run in CI"
NOTE_SAYS_EXIT = "which exit code the block ends with"
NOT_RUN_WITHOUT_REASON = "{where}: a not-run-in-CI note must say why, after `**{label}**`"

# --- Directives ----------------------------------------------------------------------------------
IN_DIRECTIVE = "{where}: {problem}"
DIRECTIVE_UNREADABLE = "cannot read the directive `{text}`: {reason}"
DIRECTIVE_NOT_KEY_VALUE = "directive word `{word}` is not key=value"
DIRECTIVE_UNKNOWN_KEY = "unknown directive key `{key}` for a {kind} block; it takes: {known}"
DIRECTIVE_KEY_TWICE = "directive key `{key}` is given twice"
DIRECTIVE_BAD_VALUE = "directive {key}={value!r}: {problem}"
DIRECTIVE_NEEDS = "directive {key}= needs {other}= as well"
EXIT_IS_STATED_ON_THE_PAGE = (
    "`exit=` is not a directive: a block that fails on purpose says so where readers see it, in a paragraph "
    "right after the block that begins `**Exit code N:**` (zh: `**退出码 N：**`)"
)
VALUE_EMPTY = "must not be empty"
VALUE_NOT_WHOLE_NUMBER = "must be a whole number"
VALUE_NOT_PORT = "must be a port number, 1 to 65535"
VALUE_NOT_LATENCY = "must be TOOL:SECONDS, e.g. Read:1.0"
VALUE_NOT_COMMAND = "is not a shell command: {reason}"

# --- Directives bound to what the reader sees -------------------------------------------------------
RUN_NOT_SHOWN = (
    "run= replaces the command readers see with one they do not see. A replacement must run each visible "
    "command (it may add flags, and setup commands before it, joined by &&), or appear on the page.\n"
    "  visible: {visible}\n  run=:    {run}"
)
RUN_HIDES_FAILURES = "run= may join commands with `&&` only: `{operator}` could hide a failure"
OUTPUT_OF_NOT_SHOWN = (
    "output-of runs `{command}`, which the page does not show: write output-of=above for the output of the "
    "bash block above, or show the command on the page"
)
OUTPUT_OF_ABOVE_NOT_BASH = "output-of=above: the block above (line {line}) is {kind}, not a bash block"
OUTPUT_OF_ABOVE_NOTHING = "output-of=above: there is no block above this one"
OUTPUT_OF_ABOVE_NOT_RUN = (
    "output-of=above: the block above (line {line}) is not run in CI, so its output cannot be checked: "
    "quote the output of a block that runs"
)
PORT_NOT_USED = "port={port}: the block never uses that port (no `:{port}` in it)"

# --- Running blocks --------------------------------------------------------------------------------
BLOCK_FAILED = "{where}: {problems}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
WRONG_EXIT = "exit code {actual}, expected {expected}"
STREAM_LACKS_LINE = "{stream} has no line `{wanted}`"
TIMED_OUT = "{where}: still running after {timeout:g} s, so it was stopped"
GO_BLOCK_UNUSABLE = "{where}: {problem}"
OUTPUT_HELD_OPEN = (
    "a process the block started (in a session of its own, with its environment cleared) "
    "still holds the block's output open; it was not killed"
)
CURL_HTTP_ERROR = "curl got an HTTP error status: curl {args}"
CURL_NO_CONNECTION = "curl could not connect: curl {args}"
CURL_FAILED = "curl failed with exit code {code}: curl {args}"
JQ_NULL = "jq printed null, so the filter selects something the input does not have: jq {args}"
JQ_FAILED = "jq failed with exit code {code}: jq {args}"
BACKGROUND_PORT_BUSY = "{where}: port {port} is busy before the background command `{command}` starts"

# --- PTC and Python -------------------------------------------------------------------------------------
ASYNCIO_RUN_IN_PTC = (
    "{where}: line {line}: PTC code already runs inside the runtime's event loop, so `asyncio.run(...)` fails "
    'with "RuntimeError: asyncio.run() cannot be called from a running event loop". Write `await main()` instead.'
)
RUFF_FOUND = "{where}: ruff reports ({rules}):\n{findings}"

# --- Quoted output ---------------------------------------------------------------------------------------
QUOTE_UNKNOWN = (
    "{where}: this quoted text is none of the messages the reference prints, and no output-of directive "
    "says which command prints it:\n{quote}"
)
# Where a quote's text was looked for, in QUOTE_NOT_PRINTED.
PRINTED_BY_BLOCK = "the block at {name}"
PRINTED_BY_COMMAND = "`{command}`"
PRINTED_AS_MESSAGE = "the reference's {name} message"
QUOTE_NOT_PRINTED = (
    "{where}: the reference never prints these lines (each quoted line must be a whole line of the output; "
    "`...` stands for text the page leaves out):\n{quote}\n{shown}"
)
OUTPUT_OF = "--- {source} ---\n{output}"

# --- Data --------------------------------------------------------------------------------------------------
DATA_INVALID = "{where}: invalid {lang}: {error}"

# --- Diagrams ---------------------------------------------------------------------------------------------
MERMAID_UNKNOWN_TYPE = "{where}: a mermaid diagram starts with its type; `{first}` is none mermaid knows ({known})"

# --- Latency claims ----------------------------------------------------------------------------------------
LATENCY_NO_CLAIMS = (
    "{where}: a latency block says in comments how long each part takes (e.g. `# serial: 3 s`); this one says nothing"
)
LATENCY_PARTS = (
    "{where}: the comments describe {claimed} part(s) ({claims}), but the calls to {tool} ran as {measured} "
    "part(s): {parts}"
)
LATENCY_PART = "{where}: line {line} says {stated}, but the harness measured {measured:.2f} s for that part"
LATENCY_PROSE_DELAY = "{where}: line {line} says each `{tool}` takes {stated}, but the block runs with {actual:g} s"
LATENCY_PROSE_PARTS = "{where}: line {line} says {stated}, but the block's comments say {claimed}"
PART_SERIAL = "{count} call(s) one after another, {seconds:.2f} s"
PART_CONCURRENT = "{count} calls at once, {seconds:.2f} s"

# --- Claims: values stated beside the code ---------------------------------------------------------------------
CLAIM_COMMENT = "{where}: line {line}: the comment says {stated}, but the code sets {actual}"
CLAIM_DEFAULT = (
    "{where}: line {line}: the comment says the {setting} was {stated}, but the reference's default is {actual}"
)
CLAIM_PROSE = "{where}: the page says {stated}, but {source} is {actual}"

# --- Parity ----------------------------------------------------------------------------------------------------
PARITY_NO_TWIN = "{where}: there is no {lang} version of this page ({path})"
PARITY_COUNT = "{where}: this page has {count} blocks, its {lang} version {other_count}"
PARITY_DIFFERS = "{where} vs {other}: {what} differs: {mine!r} != {theirs!r}"

# --- The harness's own set-up ---------------------------------------------------------------------------------
BRIDGE_PORT_BUSY = "port {port} is busy: the doc-tests need it for the bridge the pages talk to"
EXITED_BEFORE_LISTENING = "{what} exited with code {code} before listening on port {port}"
DID_NOT_LISTEN = "{what} did not listen on port {port} within {timeout:.0f} s"
POETRY_NOT_INSTALLED = "poetry, for the pages' poetry blocks, could not be installed: `{command}` failed:\n{output}"
NOT_PINNED = "{package} is not pinned in requirements.lock, where the page's version claim is checked"
BRIDGE_NOT_HEALTHY = "{url} did not answer 200 within {timeout:.0f} s"
BRIDGE_LOG = "{error}\n--- the bridge's log ---\n{log}"
NO_MOUNT_NAMESPACE = (
    "bash blocks run in a mount namespace of their own (`unshare --mount`), where the curl and jq shims are "
    "mounted over the real ones; it could not be created: {error}"
)
MISSING_TOOL = "missing {tool}: {how}"
MISSING_TOOL_IN_CI = "{missing} (CI=true: a missing tool is a failure)"

# --- Summary -------------------------------------------------------------------------------------------------------
SUMMARY_PASSED = "items passed per kind: {counts} (total {total})"
SUMMARY_NOT_RUN = "blocks the pages say are not run in CI: {count}"
SUMMARY_NOT_RUN_BLOCK = "  {page}:{line}: {reason}"
SKIPPED_NOT_RUN = "not run in CI: {reason}"
