FROM rockylinux:9
RUN yum update -y openssl && yum clean all
RUN apk upgrade --no-cache busybox
USER 1000
