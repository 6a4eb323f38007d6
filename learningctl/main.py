"""`learningctl`: the command line of the learning services (one module per command in learningctl/commands/).

    learningctl token --tenant acme --role auditor          # a development user token, printed alone
    learningctl demo --tenant acme                          # a realistic story across all five services
    learningctl verify --tenant acme                        # audit log, evidence chain, certificates; exit 1 if not
    learningctl tail --tenant acme                          # audit events as they arrive
    learningctl witness --tenant acme --state witness.json  # exit 1 on a fork, rollback or bad checkpoint
    learningctl export-bundle --tenant acme --out bundle/   # the offline auditor bundle (see its VERIFY.md)

Addresses: --catalog/--progress/--assessment/--evidence/--audit, else LEARNING_<NAME>_ADDRESS, else the defaults.
Token: --token, else LEARNING_TOKEN, else .learning/dev-token (written by `make run`). `token` and `demo` mint
with the development key instead: --key-file / LEARNING_DEV_KEY_FILE, else .learning/jwt-private.pem.
Exit status: 0 fine; 1 verify or witness found a problem (named), or the demo failed; 2 could not run (a refused
token, a service that does not answer, a token of another tenant).
"""

from __future__ import annotations

import typer

from learningctl.commands import demo, integrity, tail, token, verify
from learningctl.options import rpc_errors_as_messages

app = typer.Typer(help="The learning services' command line.", no_args_is_help=True, add_completion=False)
app.command("token")(token.token_command)
app.command("demo")(demo.demo_command)
app.command("verify")(rpc_errors_as_messages(verify.verify_command))
app.command("tail")(rpc_errors_as_messages(tail.tail_command))
app.command("witness")(rpc_errors_as_messages(integrity.witness_command))
app.command("export-bundle")(rpc_errors_as_messages(integrity.export_bundle_command))

if __name__ == "__main__":
    app()
