"""tests/deploy: the offline checks of the deployment files run in `make test`; the compose stack
(tests/deploy/stack) only under `make test-deploy`, which builds the images and sets
TPC_DEPLOY_STACK=1 (tests/deploy/run.sh); the Swarm stack (tests/deploy/swarm) only under
`make test-swarm`, which sets TPC_SWARM_STACK (tests/deploy/swarm/run.sh)."""

import os

collect_ignore = [] if os.environ.get("TPC_DEPLOY_STACK") == "1" else ["stack"]
if not os.environ.get("TPC_SWARM_STACK"):
    collect_ignore.append("swarm")
