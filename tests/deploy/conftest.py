"""tests/deploy: the offline checks of the deployment files run in `make test`; the compose stack
(tests/deploy/stack) only under `make test-deploy`, which builds the images and sets
TPC_DEPLOY_STACK=1 (tests/deploy/run.sh)."""

import os

collect_ignore = [] if os.environ.get("TPC_DEPLOY_STACK") == "1" else ["stack"]
