FROM ubuntu:22.04
USER app
RUN sudo -E apt-get update && sudo apt-get install -y --no-install-recommends curl
