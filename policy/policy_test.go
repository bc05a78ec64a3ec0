package policy_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/policy"
	"github.com/secure-vpc/secure-vpc/query"
)

// devPlan returns a fresh copy of dev's recorded plan, safe to mutate: read from JSON, as audit
// reads an export (TestRecordedPlansAreCurrent holds it to what the program plans today).
func devPlan(t *testing.T) *stackstate.Export {
	t.Helper()
	return fixtures.Plan(t, "dev")
}

func find(e *stackstate.Export, pred func(r *stackstate.Resource) bool) *stackstate.Resource {
	for i := range e.Deployment.Resources {
		if pred(&e.Deployment.Resources[i]) {
			return &e.Deployment.Resources[i]
		}
	}
	return nil
}

func ofType(typ string) func(*stackstate.Resource) bool {
	return func(r *stackstate.Resource) bool { return r.Type == typ }
}

func subnetOfTier(tier contract.Tier) func(*stackstate.Resource) bool {
	return func(r *stackstate.Resource) bool { return r.Type == contract.TypeSubnet && query.Tier(r) == tier }
}

func routeTableOf(e *stackstate.Export, subnet *stackstate.Resource) string {
	assoc := find(e, func(r *stackstate.Resource) bool {
		return r.Type == contract.TypeRouteTableAssoc && r.Inputs["subnetId"] == subnet.ID
	})
	return assoc.Inputs["routeTableId"].(string)
}

func addResource(e *stackstate.Export, r stackstate.Resource) {
	e.Deployment.Resources = append(e.Deployment.Resources, r)
}

func TestCommittedPlansPass(t *testing.T) {
	for _, stack := range fixtures.Stacks {
		export := fixtures.Plan(t, stack)
		assert.Empty(t, policy.Failed(policy.Evaluate(export)), stack)
	}
}

type brokenPlan struct {
	invariant string
	breakPlan func(t *testing.T, e *stackstate.Export) (culprit string)
	wantMsg   string
}

// alsoFails lists, by the message a case expects, other invariants the same edit rightly breaks.
var alsoFails = map[string][]string{
	"declares no tier":                    {"SVC-01"}, // a subnet without a tier can no longer be shown to be private
	"not a BFF's load balancer":           {"REACH-01"},
	"tcp 443 and 80 only":                 {"REACH-01"},
	"the internet can reach it on tcp 22": {"EDGE-02", "ORDER-01"}, // a NACL rule added by hand that the BFF does not wait for
	"orders can reach it":                 {"DATA-03", "ORDER-01"},
	// A service that no longer waits for a secret's version, through its task definition either,
	// does not roll with it.
	"holds the value ECS injects when a task starts": {"ROTATE-01"},
	// A secret policy replaced or removed by hand loses its denials too.
	"not specific roles":                   {"SECRET-01", "SECRET-02"},
	"no resource policy":                   {"SECRET-01", "SECRET-02"},
	"admits the whole account":             {"SECRET-01"},
	"the internet can reach it on tcp 443": {"EDGE-02"},             // the instance's group admits the world
	"instance worker can reach it":         {"DATA-03", "ORDER-01"}, // a CIDR rule on the database's group
	"cannot be decided":                    {"SVC-01"},
	// A route to a gateway endpoint, or a load balancer, put where its replies are not let back.
	"gateway endpoint":       {"NET-08"},
	"not in the public tier": {"NET-08"},
	// A rule added by hand that admits a service's traffic is one that service does not wait for.
	"reachable from orders": {"ORDER-01"},
	"reachable from users":  {"ORDER-01"},
	"not only tcp 5432":     {"ORDER-01"},
	// Tasks moved by hand to a subnet whose network ACL and routes they do not wait for.
	"not in the private tier": {"ORDER-01"},
	// Issue 12, bucket perimeter: a bucket policy replaced by a bare Allow denies nothing, and a
	// dev bucket made kept (protect) has no Object Lock.
	"without TLS": {"BUCKET-01", "BUCKET-02", "BUCKET-03"},
	"guards the protected BucketV2 user-uploads": {"BUCKET-04"},
	"is named by the bucket's policy":            {"BUCKET-04"},
	"a stack that protects its stores":           {"BUCKET-04"},
}

// Each invariant is shown to catch a deliberately broken plan, naming the resource at fault.
func TestInvariantsCatchBrokenPlans(t *testing.T) {
	cases := networkCases()
	cases = append(cases, dataCases()...)
	cases = append(cases, computeCases()...)
	cases = append(cases, reachCases()...)
	cases = append(cases, deployCases()...)
	for _, tc := range cases {
		t.Run(tc.invariant+" "+tc.wantMsg, func(t *testing.T) { checkBrokenPlan(t, tc) })
	}
}

// networkCases break dev's plan for the network invariants (NET-*).
func networkCases() []brokenPlan {
	return []brokenPlan{
		{"NET-01", func(t *testing.T, e *stackstate.Export) string {
			isolated := find(e, subnetOfTier(contract.Isolated))
			igw := find(e, ofType(contract.TypeInternetGateway))
			addResource(e, stackstate.Resource{URN: "urn:pulumi:dev::secure-vpc::aws:ec2/route:Route::sneaky", Custom: true, ID: "r-sneaky", Type: contract.TypeRoute,
				Inputs: map[string]any{"routeTableId": routeTableOf(e, isolated), "destinationCidrBlock": "0.0.0.0/0", "gatewayId": igw.ID}})
			return isolated.URN
		}, "must have no route out"},
		{"NET-01", func(t *testing.T, e *stackstate.Export) string {
			isolated := find(e, subnetOfTier(contract.Isolated))
			nat := find(e, ofType(contract.TypeNatGateway))
			addResource(e, stackstate.Resource{URN: "urn:pulumi:dev::secure-vpc::aws:ec2/route:Route::to-nat", Custom: true, ID: "r-nat", Type: contract.TypeRoute,
				Inputs: map[string]any{"routeTableId": routeTableOf(e, isolated), "destinationCidrBlock": "198.51.100.0/24", "natGatewayId": nat.ID}})
			return isolated.URN
		}, "nat-gateway"},
		{"NET-01", func(t *testing.T, e *stackstate.Export) string {
			isolated := find(e, subnetOfTier(contract.Isolated))
			s3 := find(e, func(r *stackstate.Resource) bool {
				return r.Type == contract.TypeVpcEndpoint && r.Inputs["vpcEndpointType"] == "Gateway"
			})
			s3.Inputs["routeTableIds"] = append(s3.Inputs["routeTableIds"].([]any), routeTableOf(e, isolated))
			return isolated.URN
		}, "gateway endpoint"},
		{"NET-02", func(t *testing.T, e *stackstate.Export) string {
			private := find(e, subnetOfTier(contract.Private))
			igw := find(e, ofType(contract.TypeInternetGateway))
			addResource(e, stackstate.Resource{URN: "urn:pulumi:dev::secure-vpc::aws:ec2/route:Route::exposed", Custom: true, ID: "r-exposed", Type: contract.TypeRoute,
				Inputs: map[string]any{"routeTableId": routeTableOf(e, private), "destinationCidrBlock": "0.0.0.0/0", "gatewayId": igw.ID}})
			return private.URN
		}, "only the public tier may face the internet"},
		{"NET-02", func(t *testing.T, e *stackstate.Export) string {
			s := find(e, subnetOfTier(contract.Private))
			delete(s.Inputs["tags"].(map[string]any), contract.TierTag)
			delete(s.Outputs["tags"].(map[string]any), contract.TierTag)
			return s.URN
		}, "declares no tier"},
		{"NET-03", func(t *testing.T, e *stackstate.Export) string {
			s := find(e, subnetOfTier(contract.Isolated))
			s.Inputs["mapPublicIpOnLaunch"] = true
			return s.URN
		}, "maps public IPs on launch in the isolated tier"},
		{"NET-04", func(t *testing.T, e *stackstate.Export) string {
			d := find(e, ofType(contract.TypeDefaultSecurityGroup))
			d.Inputs["ingress"] = []any{map[string]any{"protocol": "-1", "fromPort": 0, "toPort": 0, "self": true}}
			return d.URN
		}, "default security group"},
		{"NET-04", func(t *testing.T, e *stackstate.Export) string {
			d := find(e, ofType(contract.TypeDefaultSecurityGroup))
			addResource(e, stackstate.Resource{URN: "urn:pulumi:dev::secure-vpc::aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::open-default", Custom: true, ID: "sgr-1", Type: contract.TypeSGIngressRule,
				Inputs: map[string]any{"securityGroupId": d.ID, "ipProtocol": "-1", "cidrIpv4": "10.0.0.0/8"}})
			return "urn:pulumi:dev::secure-vpc::aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::open-default"
		}, "default security group"},
		{"NET-04", func(t *testing.T, e *stackstate.Export) string {
			d := find(e, ofType(contract.TypeDefaultSecurityGroup))
			d.Type = contract.TypeSecurityGroup // no longer adopted
			return find(e, ofType(contract.TypeVpc)).URN
		}, "not adopted"},
		{"NET-05", func(t *testing.T, e *stackstate.Export) string {
			find(e, ofType(contract.TypeFlowLog)).Inputs["trafficType"] = "REJECT"
			return find(e, ofType(contract.TypeVpc)).URN
		}, "capture ALL"},
		{"NET-05", func(t *testing.T, e *stackstate.Export) string {
			find(e, ofType(contract.TypeFlowLog)).Type = "aws:ec2/flowLogGone:Gone"
			return find(e, ofType(contract.TypeVpc)).URN
		}, "has no flow log"},
		{"NET-06", func(t *testing.T, e *stackstate.Export) string {
			g := find(e, ofType(contract.TypeLogGroup))
			delete(g.Inputs, "kmsKeyId")
			delete(g.Outputs, "kmsKeyId")
			return g.URN
		}, "not encrypted with a customer-managed key"},
		{"NET-06", func(t *testing.T, e *stackstate.Export) string {
			g := find(e, ofType(contract.TypeLogGroup))
			g.Inputs["kmsKeyId"] = "arn:aws:kms:eu-west-1:999999999999:key/elsewhere"
			return g.URN
		}, "not a customer-managed key of this stack"},
		{"NET-06", func(t *testing.T, e *stackstate.Export) string {
			g := find(e, ofType(contract.TypeLogGroup))
			delete(g.Inputs, "retentionInDays")
			delete(g.Outputs, "retentionInDays")
			return g.URN
		}, "keeps logs forever"},
		{"NET-07", func(t *testing.T, e *stackstate.Export) string {
			kms := find(e, func(r *stackstate.Resource) bool {
				return r.Type == contract.TypeVpcEndpoint && strings.HasSuffix(r.Inputs["serviceName"].(string), ".kms")
			})
			kms.Type = "aws:removed/endpoint:Endpoint"
			return find(e, ofType(contract.TypeVpc)).URN
		}, "no kms interface endpoint"},
		{"NET-07", func(t *testing.T, e *stackstate.Export) string {
			ep := find(e, func(r *stackstate.Resource) bool {
				return r.Type == contract.TypeVpcEndpoint && strings.HasSuffix(r.Inputs["serviceName"].(string), ".sts")
			})
			ep.Inputs["policy"] = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`
			return ep.URN
		}, "aws:PrincipalAccount"},
		{"NET-07", func(t *testing.T, e *stackstate.Export) string {
			ep := find(e, func(r *stackstate.Resource) bool {
				return r.Type == contract.TypeVpcEndpoint && strings.HasSuffix(r.Inputs["serviceName"].(string), ".logs")
			})
			ep.Inputs["privateDnsEnabled"] = false
			return ep.URN
		}, "private DNS off"},
	}
}

// checkBrokenPlan breaks dev's plan as the case says and checks that its invariant flags the
// culprit with the expected message, and that no other invariant fails but those alsoFails names.
func checkBrokenPlan(t *testing.T, tc brokenPlan) {
	t.Helper()
	e := devPlan(t)
	culprit := tc.breakPlan(t, e)
	assertCaught(t, e, tc.invariant, culprit, tc.wantMsg, alsoFails[tc.wantMsg])
}

// assertCaught checks that an invariant flags the culprit of a broken plan with a message that
// says wantMsg, and that no invariant but it and those in also fails.
func assertCaught(t *testing.T, e *stackstate.Export, invariant, culprit, wantMsg string, also []string) {
	t.Helper()
	results := policy.Evaluate(e)
	var messages []string
	for _, f := range policy.Failed(results) {
		if f.Invariant == invariant && f.URN == culprit {
			messages = append(messages, f.Message)
		}
	}
	require.NotEmpty(t, messages, "%s did not flag %s; findings: %v", invariant, culprit, policy.Failed(results))
	assert.Contains(t, strings.Join(messages, "\n"), wantMsg)
	for _, f := range policy.Failed(results) {
		if f.Invariant != invariant {
			assert.Contains(t, also, f.Invariant, "only the broken invariant fails: %s", f)
		}
	}
}

func TestCatalogueIsComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, inv := range policy.Catalogue() {
		assert.False(t, seen[inv.ID], "duplicate id %s", inv.ID)
		seen[inv.ID] = true
		assert.NotEmpty(t, inv.Statement, inv.ID)
		assert.NotEmpty(t, inv.Enforces, inv.ID)
		assert.NotContains(t, inv.Statement, "\n")
	}
}

func named(typ, name string) func(*stackstate.Resource) bool {
	return func(r *stackstate.Resource) bool { return r.Type == typ && query.Name(r) == name }
}

func groupOf(e *stackstate.Export, label string) *stackstate.Resource {
	return find(e, named(contract.TypeSecurityGroup, label))
}

func sideOf(e *stackstate.Export, typ string, bucket *stackstate.Resource) *stackstate.Resource {
	return find(e, func(r *stackstate.Resource) bool { return r.Type == typ && r.Inputs["bucket"] == bucket.ID })
}

func dataCases() []brokenPlan {
	db := named(contract.TypeDBInstance, "users-db")
	uploads := named(contract.TypeBucket, "user-uploads")
	cache := named(contract.TypeCache, "sessions")
	rule := func(name, sg string, extra map[string]any) stackstate.Resource {
		in := map[string]any{"securityGroupId": sg, "ipProtocol": "tcp", "fromPort": float64(5432), "toPort": float64(5432), "description": "x"}
		for k, v := range extra {
			in[k] = v
		}
		return stackstate.Resource{URN: "urn:pulumi:dev::secure-vpc::aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::" + name,
			Custom: true, ID: "sgr-" + name, Type: contract.TypeSGIngressRule, Inputs: in}
	}
	return []brokenPlan{
		{"DATA-01", func(t *testing.T, e *stackstate.Export) string {
			b := find(e, uploads)
			sse := sideOf(e, contract.TypeBucketSSE, b)
			sse.Inputs["rules"] = []any{map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "AES256"}}}
			return b.URN
		}, "only the access-log bucket may use SSE-S3"},
		{"DATA-01", func(t *testing.T, e *stackstate.Export) string {
			b := find(e, uploads)
			sse := sideOf(e, contract.TypeBucketSSE, b)
			sse.Type = "aws:removed/sse:Sse"
			return b.URN
		}, "no default encryption"},
		{"DATA-01", func(t *testing.T, e *stackstate.Export) string {
			d := find(e, db)
			d.Inputs["storageEncrypted"] = false
			return d.URN
		}, "storage is not encrypted"},
		{"DATA-01", func(t *testing.T, e *stackstate.Export) string {
			s := find(e, named(contract.TypeSecret, "app-payments-api-key"))
			delete(s.Inputs, "kmsKeyId")
			delete(s.Outputs, "kmsKeyId")
			return s.URN
		}, "encrypted with nothing"},
		{"DATA-01", func(t *testing.T, e *stackstate.Export) string {
			c := find(e, cache)
			c.Inputs["kmsKeyId"] = "alias/aws/elasticache"
			return c.URN
		}, "not encrypted at rest with a customer-managed key"},
		{"DATA-02", func(t *testing.T, e *stackstate.Export) string {
			pg := find(e, named(contract.TypeDBParameterGroup, "users-db"))
			pg.Inputs["parameters"] = []any{map[string]any{"name": "rds.force_ssl", "value": "0"}}
			return find(e, db).URN
		}, "does not set rds.force_ssl = 1"},
		{"DATA-02", func(t *testing.T, e *stackstate.Export) string {
			find(e, cache).Inputs["transitEncryptionEnabled"] = false
			return find(e, cache).URN
		}, "plaintext connections"},
		{"DATA-02", func(t *testing.T, e *stackstate.Export) string {
			b := find(e, uploads)
			sideOf(e, contract.TypeBucketPolicy, b).Inputs["policy"] = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/x"},"Action":["s3:GetObject"],"Resource":["*"]}]}`
			return b.URN
		}, "without TLS"},
		{"DATA-03", func(t *testing.T, e *stackstate.Export) string {
			addResource(e, rule("orders-to-users-db", groupOf(e, "db-users-db").ID, map[string]any{"referencedSecurityGroupId": groupOf(e, "svc-orders").ID}))
			return find(e, db).URN
		}, "reachable from orders"},
		{"DATA-03", func(t *testing.T, e *stackstate.Export) string {
			addResource(e, rule("vpc-to-users-db", groupOf(e, "db-users-db").ID, map[string]any{"cidrIpv4": "10.20.0.0/16"}))
			return find(e, db).URN
		}, "admits 10.20.0.0/16"},
		{"DATA-03", func(t *testing.T, e *stackstate.Export) string {
			addResource(e, rule("users-to-sessions", groupOf(e, "cache-sessions").ID, map[string]any{"referencedSecurityGroupId": groupOf(e, "svc-users").ID, "fromPort": float64(6379), "toPort": float64(6379)}))
			return find(e, cache).URN
		}, "reachable from users"},
		{"DATA-03", func(t *testing.T, e *stackstate.Export) string {
			addResource(e, rule("users-all-ports", groupOf(e, "db-users-db").ID, map[string]any{"referencedSecurityGroupId": groupOf(e, "svc-users").ID, "fromPort": float64(0), "toPort": float64(65535)}))
			return find(e, db).URN
		}, "not only tcp 5432"},
		{"DATA-04", func(t *testing.T, e *stackstate.Export) string {
			v := find(e, named(contract.TypeSecretVersion, "app-payments-api-key"))
			v.Inputs["secretString"] = "test-plaintext-not-a-real-key"
			return v.URN
		}, "input secretString holds a plaintext value"},
		{"DATA-04", func(t *testing.T, e *stackstate.Export) string {
			c := find(e, cache)
			c.Inputs["authToken"] = "plaintext-token-for-test"
			return c.URN
		}, "input authToken"},
		{"DATA-04", func(t *testing.T, e *stackstate.Export) string {
			d := find(e, db)
			d.Inputs["tags"].(map[string]any)["note"] = "-----BEGIN " + "PRIVATE KEY-----\nnot-a-key"
			return d.URN
		}, "looks like a credential or private key"},
		{"DATA-04", func(t *testing.T, e *stackstate.Export) string {
			// A state that kept a generated key in the clear (a provider that does not mark it secret).
			k := find(e, ofType(contract.TypeTLSPrivateKey))
			k.Outputs["privateKeyPem"] = "test-plaintext-not-a-real-key"
			return k.URN
		}, "output privateKeyPem holds a plaintext value"},
		{"DATA-05", func(t *testing.T, e *stackstate.Export) string {
			k := find(e, named(contract.TypeKMSKey, "keys-data"))
			k.Inputs["enableKeyRotation"] = false
			return k.URN
		}, "does not rotate"},
		{"DATA-06", func(t *testing.T, e *stackstate.Export) string {
			d := find(e, db)
			d.Inputs["publiclyAccessible"] = true
			return d.URN
		}, "publicly accessible"},
		{"DATA-06", func(t *testing.T, e *stackstate.Export) string {
			g := find(e, named(contract.TypeDBSubnetGroup, "users-db"))
			g.Inputs["subnetIds"] = []any{find(e, subnetOfTier(contract.Private)).ID, find(e, subnetOfTier(contract.Isolated)).ID}
			return find(e, db).URN
		}, "not an isolated-tier subnet"},
		{"DATA-06", func(t *testing.T, e *stackstate.Export) string {
			d := find(e, db)
			d.Inputs["manageMasterUserPassword"] = false
			return d.URN
		}, "manage its master password"},
		{"DATA-07", func(t *testing.T, e *stackstate.Export) string {
			b := find(e, uploads)
			sideOf(e, contract.TypeBucketPAB, b).Inputs["restrictPublicBuckets"] = false
			return b.URN
		}, "restrictPublicBuckets off"},
		{"DATA-07", func(t *testing.T, e *stackstate.Export) string {
			b := find(e, named(contract.TypeBucket, "access-logs"))
			sideOf(e, contract.TypeBucketVersioning, b).Inputs["versioningConfiguration"] = map[string]any{"status": "Suspended"}
			return b.URN
		}, "does not keep versions"},
		{"DATA-07", func(t *testing.T, e *stackstate.Export) string {
			b := find(e, uploads)
			sideOf(e, contract.TypeBucketOwnership, b).Inputs["rule"] = map[string]any{"objectOwnership": "ObjectWriter"}
			return b.URN
		}, "ACLs still apply"},
		{"DATA-08", func(t *testing.T, e *stackstate.Export) string {
			s := find(e, named(contract.TypeSecret, "tls-users"))
			p := find(e, named(contract.TypeSecretPolicy, "tls-users"))
			p.Inputs["policy"] = `{"Version":"2012-10-17","Statement":[{"Sid":"Open","Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`
			return s.URN
		}, "not specific roles"},
		{"DATA-08", func(t *testing.T, e *stackstate.Export) string {
			s := find(e, named(contract.TypeSecret, "app-payments-api-key"))
			find(e, named(contract.TypeSecretPolicy, "app-payments-api-key")).Inputs["blockPublicPolicy"] = false
			return s.URN
		}, "does not block public"},
		{"DATA-08", func(t *testing.T, e *stackstate.Export) string {
			s := find(e, named(contract.TypeSecret, "cache-sessions"))
			find(e, named(contract.TypeSecretPolicy, "cache-sessions")).Type = "aws:removed/policy:Policy"
			return s.URN
		}, "no resource policy"},
	}
}

func computeCases() []brokenPlan {
	alb := named(contract.TypeLoadBalancer, "web-bff-alb")
	container := func(e *stackstate.Export, svc string) (*stackstate.Resource, []map[string]any) {
		td := find(e, named(contract.TypeTaskDefinition, svc))
		var defs []map[string]any
		if err := json.Unmarshal([]byte(td.Inputs["containerDefinitions"].(string)), &defs); err != nil {
			panic(err)
		}
		return td, defs
	}
	save := func(td *stackstate.Resource, defs []map[string]any) {
		data, _ := json.Marshal(defs)
		td.Inputs["containerDefinitions"] = string(data)
	}
	return []brokenPlan{
		{"EDGE-01", func(t *testing.T, e *stackstate.Export) string {
			lb := find(e, alb)
			delete(lb.Inputs["tags"].(map[string]any), contract.BFFTag)
			delete(lb.Outputs["tags"].(map[string]any), contract.BFFTag)
			return lb.URN
		}, "not a BFF's load balancer"},
		{"EDGE-01", func(t *testing.T, e *stackstate.Export) string {
			lb := find(e, alb)
			lb.Inputs["subnets"] = []any{find(e, subnetOfTier(contract.Private)).ID, find(e, subnetOfTier(contract.Public)).ID}
			return lb.URN
		}, "not in the public tier"},
		{"EDGE-02", func(t *testing.T, e *stackstate.Export) string {
			r := stackstate.Resource{URN: "urn:pulumi:dev::secure-vpc::aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::ssh-to-users", Custom: true, ID: "sgr-ssh",
				Type: contract.TypeSGIngressRule, Inputs: map[string]any{"securityGroupId": groupOf(e, "svc-users").ID, "ipProtocol": "tcp", "fromPort": float64(22), "toPort": float64(22), "cidrIpv4": "0.0.0.0/0"}}
			addResource(e, r)
			return r.URN
		}, "not a BFF load balancer's group"},
		{"EDGE-02", func(t *testing.T, e *stackstate.Export) string {
			r := stackstate.Resource{URN: "urn:pulumi:dev::secure-vpc::aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::lb-all-ports", Custom: true, ID: "sgr-all",
				Type: contract.TypeSGIngressRule, Inputs: map[string]any{"securityGroupId": groupOf(e, "lb-web-bff").ID, "ipProtocol": "-1", "fromPort": float64(0), "toPort": float64(0), "cidrIpv6": "::/0"}}
			addResource(e, r)
			return r.URN
		}, "tcp 443 and 80 only"},
		{"EDGE-03", func(t *testing.T, e *stackstate.Export) string {
			l := find(e, named(contract.TypeListener, "web-bff-http"))
			l.Inputs["defaultActions"] = []any{map[string]any{"type": "forward", "targetGroupArn": find(e, named(contract.TypeTargetGroup, "web-bff-tg")).ID}}
			return l.URN
		}, "may only redirect to HTTPS"},
		{"EDGE-03", func(t *testing.T, e *stackstate.Export) string {
			l := find(e, named(contract.TypeListener, "web-bff-https"))
			l.Inputs["sslPolicy"] = "ELBSecurityPolicy-2016-08"
			return l.URN
		}, "not on the allow-list"},
		{"EDGE-03", func(t *testing.T, e *stackstate.Export) string {
			find(e, named(contract.TypeTargetGroup, "web-bff-tg")).Inputs["protocol"] = "HTTP"
			return find(e, named(contract.TypeListener, "web-bff-https")).URN
		}, "must stay encrypted"},
		{"EDGE-04", func(t *testing.T, e *stackstate.Export) string {
			lb := find(e, alb)
			lb.Inputs["dropInvalidHeaderFields"] = false
			return lb.URN
		}, "invalid header fields"},
		{"EDGE-04", func(t *testing.T, e *stackstate.Export) string {
			find(e, named(contract.TypeWebACLAssociation, "web-bff")).Type = "aws:removed/assoc:Assoc"
			return find(e, alb).URN
		}, "has no WAF web ACL"},
		{"EDGE-04", func(t *testing.T, e *stackstate.Export) string {
			lb := find(e, alb)
			lb.Inputs["accessLogs"] = map[string]any{"enabled": false}
			return lb.URN
		}, "does not write access logs"},
		{"SVC-01", func(t *testing.T, e *stackstate.Export) string {
			svc := find(e, named(contract.TypeECSService, "orders"))
			svc.Inputs["networkConfiguration"].(map[string]any)["assignPublicIp"] = true
			return svc.URN
		}, "public IPs"},
		{"SVC-01", func(t *testing.T, e *stackstate.Export) string {
			svc := find(e, named(contract.TypeECSService, "orders"))
			svc.Inputs["networkConfiguration"].(map[string]any)["subnets"] = []any{find(e, subnetOfTier(contract.Public)).ID}
			return svc.URN
		}, "not in the private tier"},
		{"SVC-02", func(t *testing.T, e *stackstate.Export) string {
			td, defs := container(e, "users")
			defs[0]["readonlyRootFilesystem"] = false
			defs[0]["user"] = "0"
			save(td, defs)
			return td.URN
		}, "runs as root"},
		{"SVC-02", func(t *testing.T, e *stackstate.Export) string {
			td, defs := container(e, "orders")
			defs[0]["environment"] = append(defs[0]["environment"].([]any), map[string]any{"name": "PAYMENTS_API_KEY", "value": "test-plaintext"})
			save(td, defs)
			return td.URN
		}, "inject it from Secrets Manager"},
		{"SVC-03", func(t *testing.T, e *stackstate.Export) string {
			p := find(e, named(contract.TypeRolePolicy, "orders-exec"))
			p.Inputs["policy"] = `{"Version":"2012-10-17","Statement":[{"Sid":"Wide","Effect":"Allow","Action":["secretsmanager:GetSecretValue"],"Resource":"*"}]}`
			return p.URN
		}, "on every resource"},
		{"SVC-03", func(t *testing.T, e *stackstate.Export) string {
			role := find(e, named(contract.TypeIAMRole, "users-task-role"))
			role.Inputs["assumeRolePolicy"] = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
			return role.URN
		}, "confused deputy"},
	}
}

func reachCases() []brokenPlan {
	rule := func(typ, name string, in map[string]any) stackstate.Resource {
		return stackstate.Resource{URN: "urn:pulumi:dev::secure-vpc::" + typ + "::" + name, Custom: true, ID: "sgr-" + name, Type: typ, Inputs: in}
	}
	return []brokenPlan{
		{"REACH-01", func(t *testing.T, e *stackstate.Export) string {
			addResource(e, rule(contract.TypeSGIngressRule, "ssh-to-lb", map[string]any{"securityGroupId": groupOf(e, "lb-web-bff").ID,
				"ipProtocol": "tcp", "fromPort": float64(22), "toPort": float64(22), "cidrIpv4": "0.0.0.0/0"}))
			// The public tier's network ACL does not admit 22: make it, so the path is effective.
			acl := find(e, func(r *stackstate.Resource) bool {
				return r.Type == contract.TypeNetworkACL && query.Tier(r) == contract.Public
			})
			addResource(e, rule(contract.TypeNetworkACLRule, "public-in-22", map[string]any{"networkAclId": acl.ID, "ruleNumber": float64(90),
				"egress": false, "protocol": "tcp", "ruleAction": "allow", "cidrBlock": "0.0.0.0/0", "fromPort": float64(22), "toPort": float64(22)}))
			return find(e, named(contract.TypeLoadBalancer, "web-bff-alb")).URN
		}, "the internet can reach it on tcp 22"},
		{"REACH-02", func(t *testing.T, e *stackstate.Export) string {
			db, orders := groupOf(e, "db-users-db").ID, groupOf(e, "svc-orders").ID
			addResource(e, rule(contract.TypeSGIngressRule, "db-from-orders", map[string]any{"securityGroupId": db, "referencedSecurityGroupId": orders,
				"ipProtocol": "tcp", "fromPort": float64(5432), "toPort": float64(5432)}))
			addResource(e, rule(contract.TypeSGEgressRule, "orders-to-db", map[string]any{"securityGroupId": orders, "referencedSecurityGroupId": db,
				"ipProtocol": "tcp", "fromPort": float64(5432), "toPort": float64(5432)}))
			return find(e, named(contract.TypeDBInstance, "users-db")).URN
		}, "orders can reach it"},
		// A host another program added: an instance with a public IP in a public subnet, its group
		// (inline rules) open on 443, is reached from the internet.
		{"REACH-01", func(t *testing.T, e *stackstate.Export) string {
			addResource(e, stackstate.Resource{URN: "urn:pulumi:dev::other::" + contract.TypeSecurityGroup + "::open", Custom: true, ID: "sg-open", Type: contract.TypeSecurityGroup,
				Inputs: map[string]any{"ingress": []any{map[string]any{"protocol": "tcp", "fromPort": float64(443), "toPort": float64(443), "cidrBlocks": []any{"0.0.0.0/0"}}}}})
			inst := stackstate.Resource{URN: "urn:pulumi:dev::other::" + contract.TypeInstance + "::web", Custom: true, ID: "i-web", Type: contract.TypeInstance,
				Inputs: map[string]any{"subnetId": find(e, subnetOfTier(contract.Public)).ID, "vpcSecurityGroupIds": []any{"sg-open"}, "associatePublicIpAddress": true}}
			addResource(e, inst)
			return inst.URN
		}, "the internet can reach it on tcp 443"},
		// An instance whose egress is open reaches the database through a rule that admits the
		// VPC's CIDR.
		{"REACH-02", func(t *testing.T, e *stackstate.Export) string {
			addResource(e, stackstate.Resource{URN: "urn:pulumi:dev::other::" + contract.TypeSecurityGroup + "::worker", Custom: true, ID: "sg-worker", Type: contract.TypeSecurityGroup,
				Inputs: map[string]any{"egress": []any{map[string]any{"protocol": "-1", "fromPort": float64(0), "toPort": float64(0), "cidrBlocks": []any{"0.0.0.0/0"}}}}})
			addResource(e, stackstate.Resource{URN: "urn:pulumi:dev::other::" + contract.TypeInstance + "::worker", Custom: true, ID: "i-worker", Type: contract.TypeInstance,
				Inputs: map[string]any{"subnetId": find(e, subnetOfTier(contract.Private)).ID, "vpcSecurityGroupIds": []any{"sg-worker"}}})
			addResource(e, rule(contract.TypeSGIngressRule, "db-from-vpc", map[string]any{"securityGroupId": groupOf(e, "db-users-db").ID,
				"ipProtocol": "tcp", "fromPort": float64(5432), "toPort": float64(5432), "cidrIpv4": "10.20.0.0/16"}))
			return find(e, named(contract.TypeDBInstance, "users-db")).URN
		}, "instance worker can reach it"},
		{"REACH-03", func(t *testing.T, e *stackstate.Export) string {
			svc := find(e, named(contract.TypeECSService, "orders"))
			nc := svc.Inputs["networkConfiguration"].(map[string]any)
			nc["securityGroups"] = append(nc["securityGroups"].([]any), "sg-0000000000unknown")
			return svc.URN
		}, "cannot be decided"},
	}
}

// An opening in a security group that the network ACLs still block is not exposure: the
// analysis looks at both.
func TestReachabilityRespectsNetworkACLs(t *testing.T) {
	e := devPlan(t)
	addResource(e, stackstate.Resource{URN: "urn:pulumi:dev::secure-vpc::aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::lb-22", Custom: true, ID: "sgr-22",
		Type: contract.TypeSGIngressRule, Inputs: map[string]any{"securityGroupId": groupOf(e, "lb-web-bff").ID, "ipProtocol": "tcp", "fromPort": float64(22), "toPort": float64(22), "cidrIpv4": "0.0.0.0/0"}})
	for _, p := range query.NewIndex(e).Reachability() {
		assert.False(t, p.From.Kind == contract.InternetNode && p.FromPort == 22, "the public NACL does not admit 22: %s", p.Label())
	}
	failed := map[string]bool{}
	for _, f := range policy.Failed(policy.Evaluate(e)) {
		failed[f.Invariant] = true
	}
	assert.True(t, failed["EDGE-02"], "the security group rule itself is still a finding")
	assert.False(t, failed["REACH-01"], "but it is not effective exposure")
}

func TestEveryInvariantHasAFailingFixture(t *testing.T) {
	var all []brokenPlan
	all = append(all, dataCases()...)
	all = append(all, computeCases()...)
	all = append(all, reachCases()...)
	all = append(all, deployCases()...)
	all = append(all, perimeterCases()...)
	all = append(all, dbAccessCases()...)
	covered := map[string]bool{}
	for _, c := range all {
		covered[c.invariant] = true
	}
	for _, c := range secretGuardCases() {
		covered[c.invariant] = true
	}
	for _, c := range bucketCases() {
		covered[c.invariant] = true // the bucket perimeter's cases live in buckets_test.go
	}
	for _, c := range slices.Concat(imageCases(), imagePolicyCases()) {
		covered[c.invariant] = true // images_test.go, imagepolicy_test.go
	}
	for _, c := range append(egressCases(), egressNameCases()...) {
		covered[c.invariant] = true // egress_test.go
	}
	if len(signingCases()) > 0 {
		covered["IDENT-01"] = true // signing_test.go
	}
	if len(privateCACases()) > 0 {
		covered["PKI-01"] = true // privateca_test.go
	}
	for _, id := range []string{"NET-01", "NET-02", "NET-03", "NET-04", "NET-05", "NET-06", "NET-07"} {
		covered[id] = true // the network cases live in TestInvariantsCatchBrokenPlans itself
	}
	for _, inv := range policy.Catalogue() {
		assert.True(t, covered[inv.ID], "%s has no failing fixture", inv.ID)
	}
}
