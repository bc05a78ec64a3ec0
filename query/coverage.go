package query

import (
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
)

// NotEvaluated is a resource the audit does not model although it can carry network exposure,
// data or credentials: no invariant's verdict covers it, so a stack holding one is not a pass.
type NotEvaluated struct {
	Resource *Resource
	Why      string
}

// unmodelled are the resource types, by token prefix (package:module/ or package:module/name:),
// that can expose a network path, hold data or grant credentials, and that no invariant reads.
var unmodelled = []struct{ prefix, why string }{
	{"aws:ec2/instance:", "an EC2 instance: its addresses and security groups are not in the reachability analysis"},
	{"aws:ec2/spotInstanceRequest:", "an EC2 instance: its addresses and security groups are not in the reachability analysis"},
	{"aws:ec2/launchTemplate:", "a launch template: the instances it starts are not analysed"},
	{"aws:autoscaling/group:", "an Auto Scaling group: the instances it starts are not analysed"},
	{"aws:ec2/networkInterface:", "a network interface: not in the reachability analysis"},
	{"aws:ec2/eipAssociation:", "an Elastic IP association: a public address the analysis does not place"},
	{"aws:lambda/function:", "a Lambda function: its VPC configuration and permissions are not analysed"},
	{"aws:lambda/functionUrl:", "a Lambda function URL: an internet endpoint the analysis does not see"},
	{"aws:rds/cluster:", "an RDS or Aurora cluster: its encryption, TLS and reachability are not checked"},
	{"aws:rds/clusterInstance:", "an Aurora instance: its encryption, TLS and reachability are not checked"},
	{"aws:elb/loadBalancer:", "a Classic Load Balancer: its listeners and exposure are not checked"},
	{"aws:apigateway/", "API Gateway: an internet endpoint the analysis does not see"},
	{"aws:apigatewayv2/", "API Gateway: an internet endpoint the analysis does not see"},
	{"aws:eks/", "EKS: its nodes, endpoint and pods are not analysed"},
	{"aws:opensearch/", "OpenSearch: its encryption, access policy and reachability are not checked"},
	{"aws:elasticsearch/", "Elasticsearch: its encryption, access policy and reachability are not checked"},
	{"aws:efs/mountTarget:", "an EFS mount target: its reachability is not checked"},
	{"aws:ec2/vpcPeeringConnection:", "a VPC peering connection: traffic through it is not analysed"},
	{"aws:ec2transitgateway/", "a transit gateway: traffic through it is not analysed"},
}

// NotEvaluated lists, in export order, the resources no invariant can judge: the unmodelled types
// above, security groups with inline rules (the analysis reads rules from rule resources), network
// and gateway load balancers, and routes through a transit gateway, a peering connection, an
// instance or a network interface.
func (ix *Index) NotEvaluated() []NotEvaluated {
	var out []NotEvaluated
	for _, r := range ix.Resources {
		if why := notEvaluatedWhy(r); why != "" {
			out = append(out, NotEvaluated{Resource: r, Why: why})
		}
	}
	return out
}

func notEvaluatedWhy(r *Resource) string {
	for _, u := range unmodelled {
		if strings.HasPrefix(r.Type, u.prefix) {
			return u.why
		}
	}
	switch r.Type {
	case contract.TypeSecurityGroup:
		// Inputs only: AWS reports every rule of a group in its outputs, those of rule resources too.
		ingress, _ := r.Inputs["ingress"].([]any)
		egress, _ := r.Inputs["egress"].([]any)
		if len(ingress) > 0 || len(egress) > 0 {
			return "a security group with inline rules: the analysis reads rules from rule resources"
		}
	case contract.TypeLoadBalancer, contract.TypeALBLoadBalancer:
		if t := Str(r, "loadBalancerType"); t == "network" || t == "gateway" {
			return "a " + t + " load balancer: its listeners and exposure are not checked"
		}
	case contract.TypeRoute:
		for _, target := range []string{"transitGatewayId", "vpcPeeringConnectionId", "networkInterfaceId", "instanceId"} {
			if Str(r, target) != "" {
				return "a route through " + target + ": traffic on it is not analysed"
			}
		}
	}
	return ""
}
