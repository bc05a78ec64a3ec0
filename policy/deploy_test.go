package policy_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/policy"
	"github.com/secure-vpc/secure-vpc/query"
)

// dropDependency removes a dependency from a resource of a plan, as if the program had not
// declared it.
func dropDependency(r *stackstate.Resource, dep string) {
	r.Dependencies = slices.DeleteFunc(r.Dependencies, func(u string) bool { return u == dep })
}

func naclRule(e *stackstate.Export, tier contract.Tier, egress bool, number int) *stackstate.Resource {
	acl := find(e, func(r *stackstate.Resource) bool { return r.Type == contract.TypeNetworkACL && query.Tier(r) == tier })
	return find(e, func(r *stackstate.Resource) bool {
		return r.Type == contract.TypeNetworkACLRule && r.Inputs["networkAclId"] == acl.ID && r.Inputs["egress"] == egress && r.Inputs["ruleNumber"] == float64(number)
	})
}

// editContainer rewrites the one container definition of a task definition.
func editContainer(t *testing.T, td *stackstate.Resource, edit func(c map[string]any)) {
	var cs []map[string]any
	require.NoError(t, json.Unmarshal([]byte(td.Inputs["containerDefinitions"].(string)), &cs))
	edit(cs[0])
	data, err := json.Marshal(cs)
	require.NoError(t, err)
	td.Inputs["containerDefinitions"] = string(data)
}

// deployCases break what makes a plan deploy and work: create-time ordering, return traffic,
// guards of kept stores, and what a task needs at run time.
func deployCases() []brokenPlan {
	return []brokenPlan{
		{"ORDER-01", func(t *testing.T, e *stackstate.Export) string {
			logging := find(e, named(contract.TypeBucketLogging, "user-uploads"))
			dropDependency(logging, find(e, named(contract.TypeBucketPolicy, "access-logs")).URN)
			return logging.URN
		}, "InvalidTargetBucketForLogging"},
		{"ORDER-01", func(t *testing.T, e *stackstate.Export) string {
			// The service waits for the version directly, and through its task definition (whose
			// VAULT_REVISION digests the versions): drop both.
			svc := find(e, named(contract.TypeECSService, "orders"))
			version := find(e, named(contract.TypeSecretVersion, "app-payments-api-key")).URN
			dropDependency(svc, version)
			dropDependency(find(e, named(contract.TypeTaskDefinition, "orders")), version)
			return svc.URN
		}, "holds the value ECS injects when a task starts"},
		{"ROTATE-01", func(t *testing.T, e *stackstate.Export) string {
			// The task definition no longer follows the certificate's versions (VAULT_REVISION
			// written by hand, say): a renewed certificate would not replace running tasks.
			td := find(e, named(contract.TypeTaskDefinition, "orders"))
			dropDependency(td, find(e, named(contract.TypeSecretVersion, "tls-orders")).URN)
			return td.URN
		}, "injects TLS_CA_CERTIFICATE from tls-orders but does not change with its versions"},
		{"ORDER-01", func(t *testing.T, e *stackstate.Export) string {
			svc := find(e, named(contract.TypeECSService, "orders"))
			dropDependency(svc, find(e, named(contract.TypeSecretPolicy, "app-payments-api-key")).URN)
			return svc.URN
		}, "admits the task's execution role"},
		{"ORDER-01", func(t *testing.T, e *stackstate.Export) string {
			svc := find(e, named(contract.TypeECSService, "users"))
			dropDependency(svc, find(e, named(contract.TypeVpcEndpoint, "network-ecr-dkr")).URN)
			return svc.URN
		}, "pull their image"},
		{"ORDER-01", func(t *testing.T, e *stackstate.Export) string {
			svc := find(e, named(contract.TypeECSService, "users"))
			dropDependency(svc, find(e, named(contract.TypeSGEgressRule, "all-services-to-endpoints-443")).URN)
			return svc.URN
		}, "lets the tasks' traffic out"},
		{"ORDER-01", func(t *testing.T, e *stackstate.Export) string {
			svc := find(e, named(contract.TypeECSService, "web-bff"))
			dropDependency(svc, find(e, named(contract.TypeListener, "web-bff-https")).URN)
			return svc.URN
		}, "ECS refuses a target group without one"},
		{"ORDER-01", func(t *testing.T, e *stackstate.Export) string {
			svc := find(e, named(contract.TypeECSService, "orders"))
			dropDependency(svc, find(e, named(contract.TypeNetworkACLAssoc, "network-private-a")).URN)
			return svc.URN
		}, "its network ACL (the VPC's default one until then)"},
		{"ORDER-01", func(t *testing.T, e *stackstate.Export) string {
			svc := find(e, named(contract.TypeECSService, "web-bff"))
			dropDependency(svc, find(e, named(contract.TypeRouteTableAssoc, "network-public-b")).URN)
			return svc.URN
		}, "the load balancer's health checks cross its routes"},
		{"ORDER-01", func(t *testing.T, e *stackstate.Export) string {
			nat := find(e, ofType(contract.TypeNatGateway))
			dropDependency(nat, find(e, ofType(contract.TypeInternetGateway)).URN)
			return nat.URN
		}, "a public NAT gateway needs"},
		{"ORDER-01", func(t *testing.T, e *stackstate.Export) string {
			lg := find(e, named(contract.TypeLogGroup, "users-db-upgrade"))
			lg.ID, lg.Inputs["name"], lg.Outputs["name"] = "/elsewhere/upgrade", "/elsewhere/upgrade", "/elsewhere/upgrade"
			return find(e, named(contract.TypeDBInstance, "users-db")).URN
		}, "RDS would create it unencrypted"},
		{"ORDER-01", func(t *testing.T, e *stackstate.Export) string {
			lb := find(e, named(contract.TypeLoadBalancer, "web-bff-alb"))
			dropDependency(lb, find(e, ofType(contract.TypeInternetGateway)).URN)
			return lb.URN
		}, "an internet-facing load balancer needs attached"},
		{"ORDER-01", func(t *testing.T, e *stackstate.Export) string {
			// users gains internet egress by hand; it does not wait for the NAT gateway's subnet.
			addResource(e, stackstate.Resource{URN: "urn:pulumi:dev::secure-vpc::aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule::users-to-internet", Custom: true,
				ID: "sgr-users-internet", Type: contract.TypeSGEgressRule, Inputs: map[string]any{"securityGroupId": groupOf(e, "svc-users").ID,
					"ipProtocol": "tcp", "fromPort": float64(443), "toPort": float64(443), "cidrIpv4": "0.0.0.0/0"}})
			return find(e, named(contract.TypeECSService, "users")).URN
		}, "the tasks' internet egress crosses at the NAT gateway"},
		{"NET-08", func(t *testing.T, e *stackstate.Export) string {
			naclRule(e, contract.Public, false, 125).Type = "aws:removed/rule:Rule"
			nat := find(e, ofType(contract.TypeNatGateway))
			return find(e, func(r *stackstate.Resource) bool { return r.ID == nat.Inputs["subnetId"] }).URN
		}, "drops replies from the internet on tcp 3389"},
		{"NET-08", func(t *testing.T, e *stackstate.Export) string {
			naclRule(e, contract.Private, false, 140).Type = "aws:removed/rule:Rule"
			return find(e, subnetOfTier(contract.Private)).URN
		}, "ICMP fragmentation-needed (type 3, code 4) in"},
		{"NET-08", func(t *testing.T, e *stackstate.Export) string {
			naclRule(e, contract.Public, true, 110).Inputs["fromPort"] = float64(32768)
			lb := find(e, named(contract.TypeLoadBalancer, "web-bff-alb"))
			first := lb.Inputs["subnets"].([]any)[0]
			return find(e, func(r *stackstate.Resource) bool { return r.ID == first }).URN
		}, "replies to clients on tcp 1024-32767"},
		{"NET-08", func(t *testing.T, e *stackstate.Export) string {
			// Every rule for the internet narrowed to one range: the internet at large gets nothing back.
			for _, n := range []int{120, 125, 130, 140} {
				naclRule(e, contract.Private, false, n).Inputs["cidrBlock"] = "198.51.100.0/24"
			}
			return find(e, subnetOfTier(contract.Private)).URN
		}, "drops replies from the internet on tcp 1024-65535"},
		{"DATA-09", func(t *testing.T, e *stackstate.Export) string {
			b := find(e, named(contract.TypeBucket, "user-uploads"))
			b.Protect = true
			return find(e, named(contract.TypeBucketPAB, "user-uploads")).URN
		}, "guards the protected BucketV2 user-uploads"},
		{"DATA-09", func(t *testing.T, e *stackstate.Export) string {
			find(e, named(contract.TypeBucket, "user-uploads")).Protect = true
			return find(e, named(contract.TypeIAMRole, "users-task-role")).URN
		}, "is named by the bucket's policy"},
		{"DATA-09", func(t *testing.T, e *stackstate.Export) string {
			find(e, named(contract.TypeBucket, "user-uploads")).Protect = true
			return find(e, named(contract.TypeDBInstance, "users-db")).URN
		}, "a stack that protects its stores"},
		{"SVC-02", func(t *testing.T, e *stackstate.Export) string {
			td := find(e, named(contract.TypeTaskDefinition, "users"))
			editContainer(t, td, func(c map[string]any) {
				delete(c["linuxParameters"].(map[string]any), "tmpfs")
				c["mountPoints"] = []any{map[string]any{"sourceVolume": "tmp", "containerPath": "/tmp"}}
			})
			td.Inputs["volumes"] = []any{map[string]any{"name": "tmp"}}
			return td.URN
		}, "a Fargate bind mount is owned by root, 0755"},
		{"SVC-02", func(t *testing.T, e *stackstate.Export) string {
			td := find(e, named(contract.TypeTaskDefinition, "users"))
			editContainer(t, td, func(c map[string]any) {
				c["portMappings"] = []any{map[string]any{"containerPort": 443, "protocol": "tcp"}}
			})
			return td.URN
		}, "which its non-root user cannot bind"},
		{"SVC-02", func(t *testing.T, e *stackstate.Export) string {
			td := find(e, named(contract.TypeTaskDefinition, "users"))
			editContainer(t, td, func(c map[string]any) {
				c["portMappings"] = []any{map[string]any{"containerPort": 80, "protocol": "tcp"}}
				c["linuxParameters"].(map[string]any)["capabilities"] = map[string]any{"add": []any{"NET_BIND_SERVICE"}, "drop": []any{"ALL"}}
			})
			return td.URN
		}, "port 80, which its non-root user cannot bind"},
		{"SVC-02", func(t *testing.T, e *stackstate.Export) string {
			td := find(e, named(contract.TypeTaskDefinition, "users"))
			editContainer(t, td, func(c map[string]any) { c["user"] = "root:root" })
			return td.URN
		}, `runs as root (user "root:root")`},
		{"SVC-02", func(t *testing.T, e *stackstate.Export) string {
			td := find(e, named(contract.TypeTaskDefinition, "orders"))
			editContainer(t, td, func(c map[string]any) { c["user"] = "00:00" })
			return td.URN
		}, `runs as root (user "00:00")`},
		{"SVC-02", func(t *testing.T, e *stackstate.Export) string {
			td := find(e, named(contract.TypeTaskDefinition, "users"))
			editContainer(t, td, func(c map[string]any) {
				c["linuxParameters"].(map[string]any)["tmpfs"] = []any{map[string]any{"containerPath": "/tmp", "size": 64, "mountOptions": []any{"ro"}}}
			})
			return td.URN
		}, "mounts its /tmp tmpfs read-only"},
		{"SVC-02", func(t *testing.T, e *stackstate.Export) string {
			td := find(e, named(contract.TypeTaskDefinition, "users"))
			editContainer(t, td, func(c map[string]any) {
				c["linuxParameters"].(map[string]any)["tmpfs"] = []any{map[string]any{"containerPath": "/tmp", "size": 64, "mountOptions": []any{"mode=0755"}}}
			})
			return td.URN
		}, "with mode 755 owned by root"},
		{"SVC-02", func(t *testing.T, e *stackstate.Export) string {
			td := find(e, named(contract.TypeTaskDefinition, "users"))
			editContainer(t, td, func(c map[string]any) {
				c["mountPoints"] = []any{map[string]any{"sourceVolume": "shared", "containerPath": "/tmp"}}
			})
			td.Inputs["volumes"] = []any{map[string]any{"name": "shared", "efsVolumeConfiguration": map[string]any{"fileSystemId": "fs-1"}}}
			return td.URN
		}, "mounts /tmp more than once"},
		{"SVC-02", func(t *testing.T, e *stackstate.Export) string {
			td := find(e, named(contract.TypeTaskDefinition, "users"))
			editContainer(t, td, func(c map[string]any) {
				c["linuxParameters"].(map[string]any)["capabilities"] = map[string]any{"add": []any{"SYS_ADMIN"}, "drop": []any{}}
			})
			return td.URN
		}, "keeps or adds Linux capabilities"},
		{"SVC-02", func(t *testing.T, e *stackstate.Export) string {
			td := find(e, named(contract.TypeTaskDefinition, "users"))
			editContainer(t, td, func(c map[string]any) {
				c["portMappings"] = []any{map[string]any{"containerPortRange": "80-90", "protocol": "tcp"}}
			})
			return td.URN
		}, "port 80, which its non-root user cannot bind"},
		{"SVC-02", func(t *testing.T, e *stackstate.Export) string {
			td := find(e, named(contract.TypeTaskDefinition, "users"))
			editContainer(t, td, func(c map[string]any) {
				c["mountPoints"] = []any{map[string]any{"sourceVolume": "scratch", "containerPath": "/tmp/"}}
			})
			td.Inputs["volumes"] = []any{map[string]any{"name": "scratch"}}
			return td.URN
		}, "mounts /tmp more than once"},
		{"DATA-08", func(t *testing.T, e *stackstate.Export) string {
			p := find(e, named(contract.TypeSecretPolicy, "identity-verification-key"))
			p.Inputs["policy"] = strings.Replace(p.Inputs["policy"].(string), `"aws:PrincipalTag/secure-vpc:stack":"dev"`, `"aws:PrincipalTag/team":"any"`, 1)
			return find(e, named(contract.TypeSecret, "identity-verification-key")).URN
		}, "admits the whole account"},
	}
}

// A task that lowers net.ipv4.ip_unprivileged_port_start may bind below 1024, and a tmpfs its
// user owns is writable: the checks judge what the container can do, not a fixed list.
func TestTaskRuntimeChecksAcceptWhatWorks(t *testing.T) {
	e := devPlan(t)
	td := find(e, named(contract.TypeTaskDefinition, "users"))
	editContainer(t, td, func(c map[string]any) {
		c["portMappings"] = []any{map[string]any{"containerPort": 443, "protocol": "tcp"}}
		c["systemControls"] = []any{map[string]any{"namespace": "net.ipv4.ip_unprivileged_port_start", "value": "443"}}
		c["linuxParameters"].(map[string]any)["tmpfs"] = []any{map[string]any{"containerPath": "/tmp", "size": 64, "mountOptions": []any{"mode=0700", "uid=10001"}}}
	})
	editContainer(t, find(e, named(contract.TypeTaskDefinition, "orders")), func(c map[string]any) {
		c["linuxParameters"].(map[string]any)["tmpfs"] = []any{map[string]any{"containerPath": "/tmp/", "size": 64, "mountOptions": []any{"mode=0770", "gid=10001"}}}
	})
	for _, f := range policy.Failed(policy.Evaluate(e)) {
		assert.NotEqual(t, "SVC-02", f.Invariant, "%s", f)
	}
}

// A network ACL that denies one range of the internet (hardening) still admits replies from the
// internet at large: NET-08 judges the internet, not one sample address of it.
func TestReturnTrafficJudgedForTheInternetAtLarge(t *testing.T) {
	e := devPlan(t)
	acl := find(e, func(r *stackstate.Resource) bool {
		return r.Type == contract.TypeNetworkACL && query.Tier(r) == contract.Private
	})
	addResource(e, stackstate.Resource{URN: "urn:pulumi:dev::secure-vpc::aws:ec2/networkAclRule:NetworkAclRule::deny-doc-range", Custom: true, ID: "nacl-deny",
		Type: contract.TypeNetworkACLRule, Inputs: map[string]any{"networkAclId": acl.ID, "ruleNumber": float64(50), "egress": false, "protocol": "-1",
			"ruleAction": "deny", "cidrBlock": "198.51.100.0/24", "fromPort": float64(0), "toPort": float64(0)}})
	for _, f := range policy.Failed(policy.Evaluate(e)) {
		assert.NotEqual(t, "NET-08", f.Invariant, "%s", f)
	}
}

// The NAT gateway's own subnet decides whether a task's internet egress gets out: its network
// ACL is part of the path, and a NAT gateway the stack does not hold makes the path unknown.
func TestInternetEgressFollowsTheNATGatewaysSubnet(t *testing.T) {
	withEgress := func(t *testing.T) *stackstate.Export {
		e := devPlan(t)
		addResource(e, stackstate.Resource{URN: "urn:pulumi:dev::secure-vpc::aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule::orders-to-internet", Custom: true,
			ID: "sgr-orders-internet", Type: contract.TypeSGEgressRule, Inputs: map[string]any{"securityGroupId": groupOf(e, "svc-orders").ID,
				"ipProtocol": "tcp", "fromPort": float64(443), "toPort": float64(443), "cidrIpv4": "0.0.0.0/0"}})
		return e
	}
	egress := func(e *stackstate.Export) (contract.PathStatus, bool) {
		for _, p := range query.NewIndex(e).Reachability() {
			if p.From.Name == "orders" && p.To.Kind == contract.InternetNode {
				return p.Status, true
			}
		}
		return "", false
	}

	status, found := egress(withEgress(t))
	require.True(t, found, "orders reaches the internet through NAT")
	assert.Equal(t, contract.PathReachable, status)

	e := withEgress(t)
	naclRule(e, contract.Public, true, 100).Type = "aws:removed/rule:Rule" // the NAT subnet no longer lets HTTPS out
	_, found = egress(e)
	assert.False(t, found, "the NAT gateway's subnet ACL blocks the path")

	e = withEgress(t)
	for i := range e.Deployment.Resources {
		if r := &e.Deployment.Resources[i]; r.Type == contract.TypeNatGateway {
			r.ID = "nat-elsewhere" // the routes now name a NAT gateway outside the stack
		}
	}
	status, found = egress(e)
	require.True(t, found)
	assert.Equal(t, contract.PathUnknown, status, "a NAT gateway the stack does not hold is unknown, never assumed")
}
