module grpc-k8s-lab/node/images/pause

go 1.23.0
