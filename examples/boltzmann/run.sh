#!/usr/bin/env bash
# The DataSHIELD comparison in one command: blocks-in-noise (500 x 50) over 1, 2, 5 and 20 local parties;
# one pooled DBM under MPC (protocols/boltzmann-machine.csx, real TLS between the parties) with DP and
# without, scored under MPC, against a DBM per party whose samples are pooled. Writes results.json,
# heatmaps.png, correlations.png and each run's monitoring plot to the folder given (default results/boltzmann);
# about 6 minutes on 2 cores. The 5 and 20 parties run the honest-majority engines (replicated, shamir); add
# --engine ot for OT at every party count (about 12 minutes), --small for the small version the demo runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-results/boltzmann}"
shift $(( $# > 0 ? 1 : 0 ))
dotnet run -c Release --project bench/Mpc.Bench -- --suite boltzmann-experiment --out "$out" "$@"
