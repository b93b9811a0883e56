FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends openssh-server && rm -rf /var/lib/apt/lists/*
EXPOSE 80/tcp 22/tcp
USER app
CMD ["/usr/sbin/sshd", "-D"]
