package platform_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
	"github.com/secure-vpc/secure-vpc/internal/testkit"
	"github.com/secure-vpc/secure-vpc/platform"
	"github.com/secure-vpc/secure-vpc/policy"
	"github.com/secure-vpc/secure-vpc/query"
)

// TestCommittedStacks runs every committed stack under the mocks and checks, on what the program
// registered, the properties the network must have.
func TestCommittedStacks(t *testing.T) {
	t.Parallel()
	for _, stack := range testkit.Stacks {
		t.Run(stack, func(t *testing.T) {
			spec, err := platform.Load(testkit.Source(t, stack))
			require.NoError(t, err)
			_, export := testkit.Plan(t, stack)
			ix := query.NewIndex(export)
			azs := spec.Network.AvailabilityZones

			vpcs := ix.OfType(contract.TypeVpc)
			require.Len(t, vpcs, 1)
			vpc := vpcs[0]
			assert.Equal(t, spec.Network.CIDR.String(), query.Str(vpc, "cidrBlock"))
			dnsSupport, _ := query.Bool(vpc, "enableDnsSupport")
			dnsHostnames, _ := query.Bool(vpc, "enableDnsHostnames")
			assert.True(t, dnsSupport && dnsHostnames, "private DNS for endpoints needs both VPC DNS flags")

			t.Run("three tiers in every AZ", func(t *testing.T) {
				byTier := map[contract.Tier][]string{}
				for _, s := range ix.OfType(contract.TypeSubnet) {
					byTier[query.Tier(s)] = append(byTier[query.Tier(s)], query.Str(s, "availabilityZone"))
					cidr := netip.MustParsePrefix(query.Str(s, "cidrBlock"))
					assert.True(t, spec.Network.CIDR.Contains(cidr.Addr()), "%s inside the VPC", cidr)
					assert.Equal(t, vpc.ID, query.Str(s, "vpcId"))
				}
				for _, tier := range contract.Tiers {
					assert.ElementsMatch(t, azs, byTier[tier], "%s tier has one subnet per AZ", tier)
				}
				assert.Len(t, ix.OfType(contract.TypeSubnet), 3*len(azs))
			})

			t.Run("isolated tier has no route out, public routes to the IGW, private to NAT", func(t *testing.T) {
				nats := ix.OfType(contract.TypeNatGateway)
				wantNATs := map[string]int{"none": 0, "single": 1, "perAz": len(azs)}[string(spec.Network.NATGateways)]
				assert.Len(t, nats, wantNATs)
				for _, s := range ix.OfType(contract.TypeSubnet) {
					rts := ix.SubnetRouteTables(s)
					require.Len(t, rts, 1, "%s has exactly one explicit route table", query.Name(s))
					routes := ix.Routes(rts[0])
					assert.Equal(t, query.Tier(s), query.Tier(rts[0]), "subnet and route table tiers agree")
					switch query.Tier(s) {
					case contract.Isolated:
						assert.Empty(t, routes, "%s must have only the local route", query.Name(s))
					case contract.Public:
						require.Len(t, routes, 1)
						assert.Equal(t, contract.InternetGatewayTarget, routes[0].TargetKind)
						assert.Equal(t, "0.0.0.0/0", routes[0].Destination)
					case contract.Private:
						kinds := map[contract.RouteTarget]int{}
						for _, r := range routes {
							kinds[r.TargetKind]++
							assert.NotEqual(t, contract.InternetGatewayTarget, r.TargetKind)
						}
						assert.Equal(t, min(wantNATs, 1), kinds[contract.NATGatewayTarget])
						assert.Equal(t, 1, kinds[contract.VPCEndpointTarget], "the S3 gateway endpoint")
					}
				}
				for _, nat := range nats {
					assert.Equal(t, contract.Public, query.Tier(ix.Ref(query.Str(nat, "subnetId"))), "NAT gateways live in the public tier")
				}
			})

			t.Run("no subnet maps public IPs", func(t *testing.T) {
				for _, s := range ix.OfType(contract.TypeSubnet) {
					on, set := query.Bool(s, "mapPublicIpOnLaunch")
					assert.True(t, set && !on, query.Name(s))
				}
			})

			t.Run("flow logs go to a KMS-encrypted log group", func(t *testing.T) {
				flows := ix.OfType(contract.TypeFlowLog)
				require.Len(t, flows, 1)
				fl := flows[0]
				assert.Equal(t, "ALL", query.Str(fl, "trafficType"))
				assert.Equal(t, vpc.ID, query.Str(fl, "vpcId"))
				group := ix.Ref(query.Str(fl, "logDestination"))
				require.NotNil(t, group, "the flow log's destination is a planned log group")
				assert.Equal(t, contract.TypeLogGroup, group.Type)
				key := ix.Ref(query.Str(group, "kmsKeyId"))
				require.NotNil(t, key, "the log group's key is a planned key")
				assert.Equal(t, contract.TypeKMSKey, key.Type)
				rotation, _ := query.Bool(key, "enableKeyRotation")
				assert.True(t, rotation)
				days, _ := query.Int(group, "retentionInDays")
				assert.Equal(t, spec.Network.FlowLogRetentionDays, days)

				role := ix.Ref(query.Str(fl, "iamRoleArn"))
				require.NotNil(t, role)
				trust, err := policydoc.Parse(query.Str(role, "assumeRolePolicy"))
				require.NoError(t, err)
				assert.Equal(t, []string{"vpc-flow-logs.amazonaws.com"}, trust.Statement[0].Principals()["Service"])
				assert.Contains(t, trust.Statement[0].Condition["StringEquals"], "aws:SourceAccount")

				keyPolicy, err := policydoc.Parse(query.Str(key, "policy"))
				require.NoError(t, err)
				var logsStatement *policydoc.Statement
				for i, st := range keyPolicy.Statement {
					if svc := st.Principals()["Service"]; len(svc) == 1 && svc[0] == "logs."+spec.Region+".amazonaws.com" {
						logsStatement = &keyPolicy.Statement[i]
					}
				}
				require.NotNil(t, logsStatement, "the key admits CloudWatch Logs of the stack's region")
				assert.Contains(t, logsStatement.Condition["ArnLike"], "kms:EncryptionContext:aws:logs:arn", "bound by encryption context")
			})

			t.Run("endpoints present with private DNS and account-scoped policies", func(t *testing.T) {
				private := map[string]bool{}
				for _, s := range ix.OfType(contract.TypeSubnet) {
					if query.Tier(s) == contract.Private {
						private[s.ID] = true
					}
				}
				found := map[string]bool{}
				for _, ep := range ix.OfType(contract.TypeVpcEndpoint) {
					svc := query.Str(ep, "serviceName")
					require.True(t, strings.HasPrefix(svc, "com.amazonaws."+spec.Region+"."), svc)
					short := strings.TrimPrefix(svc, "com.amazonaws."+spec.Region+".")
					found[short] = true
					doc, err := policydoc.Parse(query.Str(ep, "policy"))
					require.NoError(t, err)
					assert.Equal(t, map[string]any{"aws:PrincipalAccount": "123456789012", "aws:ResourceAccount": "123456789012"}, doc.Statement[0].Condition["StringEquals"])
					if short == "s3" {
						assert.Equal(t, "Gateway", query.Str(ep, "vpcEndpointType"))
						assert.Len(t, query.Strings(ep, "routeTableIds"), len(azs), "one route per private route table, none for the isolated tier")
						continue
					}
					assert.Equal(t, "Interface", query.Str(ep, "vpcEndpointType"))
					dns, _ := query.Bool(ep, "privateDnsEnabled")
					assert.True(t, dns, short)
					for _, id := range query.Strings(ep, "subnetIds") {
						assert.True(t, private[id], "%s endpoint sits in the private tier", short)
					}
					assert.Len(t, query.Strings(ep, "subnetIds"), len(azs))
				}
				for _, want := range []string{"s3", "secretsmanager", "kms", "ecr.api", "ecr.dkr", "logs", "sts"} {
					assert.True(t, found[want], "missing %s endpoint", want)
				}
			})

			t.Run("default security group and network ACL are locked", func(t *testing.T) {
				dsg := ix.OfType(contract.TypeDefaultSecurityGroup)
				require.Len(t, dsg, 1)
				assert.Equal(t, vpc.ID, query.Str(dsg[0], "vpcId"))
				assert.Empty(t, query.List(dsg[0], "ingress"))
				assert.Empty(t, query.List(dsg[0], "egress"))
				dacl := ix.OfType(contract.TypeDefaultNetworkACL)
				require.Len(t, dacl, 1)
				assert.Equal(t, query.Str(vpc, "defaultNetworkAclId"), query.Str(dacl[0], "defaultNetworkAclId"))
				assert.Empty(t, query.List(dacl[0], "ingress"))
				for _, s := range ix.OfType(contract.TypeSubnet) {
					assocs := 0
					for _, a := range ix.OfType(contract.TypeNetworkACLAssoc) {
						if query.Str(a, "subnetId") == s.ID {
							assocs++
							acl := ix.Ref(query.Str(a, "networkAclId"))
							assert.Equal(t, query.Tier(s), query.Tier(acl), "%s uses its tier's NACL", query.Name(s))
						}
					}
					assert.Equal(t, 1, assocs, "%s has its own tier NACL, not the default one", query.Name(s))
				}
			})

			t.Run("stateful resources are protected outside dev", func(t *testing.T) {
				for _, r := range ix.OfType(contract.TypeKMSKey, contract.TypeLogGroup) {
					assert.Equal(t, spec.Protect, r.Protect, "%s protect", r.URN)
				}
				assert.Equal(t, stack != "dev", spec.Protect)
			})

			t.Run("stores follow the environment, security does not", func(t *testing.T) {
				prod := stack != "dev"
				dbs := ix.OfType(contract.TypeDBInstance)
				require.Len(t, dbs, len(spec.Databases))
				for _, db := range dbs {
					d := spec.Databases[query.Name(db)]
					for key, want := range map[string]bool{
						"deletionProtection": prod, "multiAz": d.MultiAZ, "skipFinalSnapshot": !prod,
						"storageEncrypted": true, "iamDatabaseAuthenticationEnabled": true, "manageMasterUserPassword": true,
						"publiclyAccessible": false, "performanceInsightsEnabled": true,
					} {
						got, set := query.Bool(db, key)
						assert.True(t, set && got == want, "%s %s = %v, want %v", query.Name(db), key, got, want)
					}
					assert.Equal(t, prod, db.Protect)
					assert.Equal(t, d.Version, query.Str(db, "engineVersion"))
					_, hasPassword := query.Prop(db, "password")
					assert.False(t, hasPassword, "no master password ever leaves RDS")
					assert.Equal(t, "alias/secure-vpc/"+stack+"/secrets", aliasOf(ix, query.Str(db, "masterUserSecretKmsKeyId")))
					assert.Equal(t, "alias/secure-vpc/"+stack+"/data", aliasOf(ix, query.Str(db, "kmsKeyId")))
				}
				for _, b := range ix.OfType(contract.TypeBucket) {
					assert.Equal(t, prod, b.Protect, query.Name(b))
				}
				for _, c := range ix.OfType(contract.TypeCache) {
					nodes, _ := query.Int(c, "numCacheClusters")
					assert.Equal(t, map[bool]int{false: 1, true: 2}[prod], nodes)
					assert.Equal(t, prod, c.Protect)
				}
				for _, sec := range ix.OfType(contract.TypeSecret) {
					days, _ := query.Int(sec, "recoveryWindowInDays")
					assert.Equal(t, map[bool]int{false: 7, true: 30}[prod], days)
				}
			})

			t.Run("only the owner reaches each database, only users each cache", func(t *testing.T) {
				for _, acc := range ix.StoreAccesses() {
					assert.Empty(t, acc.Problems, query.Name(acc.Store))
					assert.ElementsMatch(t, acc.Declared, acc.Services, "%s is reachable from exactly its declared users", query.Name(acc.Store))
				}
				for name, d := range spec.Databases {
					found := false
					for _, acc := range ix.StoreAccesses() {
						if query.Name(acc.Store) == name {
							found = true
							assert.Equal(t, []string{d.Owner}, acc.Services)
						}
					}
					assert.True(t, found, name)
				}
			})

			t.Run("every service has a certificate for its discovery name", func(t *testing.T) {
				for name := range spec.Services {
					var csr *query.Resource
					for _, r := range ix.OfType(contract.TypeTLSCertRequest) {
						if query.Name(r) == name+"-tls" {
							csr = r
						}
					}
					require.NotNil(t, csr, name)
					assert.Equal(t, []string{name + "." + stack + ".secure-vpc.internal"}, query.Strings(csr, "dnsNames"))
				}
			})

			t.Run("the service matrix is exactly the declared graph", func(t *testing.T) {
				var got, want []string
				for _, p := range ix.Reachability() {
					if p.From.Kind == "service" && p.To.Kind == "service" {
						got = append(got, fmt.Sprintf("%s->%s:%s", p.From.Name, p.To.Name, p.Ports()))
					}
					if p.From.Kind == "load-balancer" {
						assert.Equal(t, p.From.Tags[contract.BFFTag], p.To.Name, "a BFF's load balancer reaches only that BFF")
						assert.True(t, spec.Services[p.To.Name].Public)
					}
				}
				for name, svc := range spec.Services {
					for _, callee := range svc.Calls {
						want = append(want, fmt.Sprintf("%s->%s:%d", name, callee, spec.Services[callee].Port))
					}
				}
				assert.ElementsMatch(t, want, got)
			})

			t.Run("the internet reaches exactly the BFF load balancers on 443 and 80", func(t *testing.T) {
				var got, want []string
				for _, e := range ix.InternetExposure() {
					got = append(got, fmt.Sprintf("%s:%d", e.LoadBalancer, e.Port))
					assert.NotEmpty(t, e.WAF)
				}
				for name, svc := range spec.Services {
					if svc.Public {
						want = append(want, name+"-alb:443", name+"-alb:80")
					}
				}
				assert.ElementsMatch(t, want, got)
			})

			t.Run("only a database's migration task can read its master secret; its owner connects as its own user", func(t *testing.T) {
				for _, db := range ix.OfType(contract.TypeDBInstance) {
					name := query.Name(db)
					owner := spec.Databases[name].Owner
					arns := query.MasterSecretArns(db)
					require.Len(t, arns, 1)
					var readers []string
					for _, p := range ix.MasterSecretReaders(db) { // its execution role injects it at start
						readers = append(readers, p.Label())
					}
					assert.Equal(t, []string{name + "-migration (execution role)"}, readers, "by its identity policy and the secret's resource policy alike")
					assert.Len(t, ix.Where(contract.TypeSecretPolicy, "secretArn", arns[0]), 1, "the master secret has a resource policy")
					var grants []string
					for _, g := range ix.DBConnectGrants() {
						grants = append(grants, g.Role.Label()+" "+g.Resource)
					}
					assert.Equal(t, []string{owner + " (task role) arn:aws:rds-db:" + spec.Region + ":123456789012:dbuser:" + query.Str(db, "resourceId") + "/" + strings.ReplaceAll(owner, "-", "_")}, grants)
				}
			})

			t.Run("staging and prod use the configured certificate, dev imports a self-signed one", func(t *testing.T) {
				certs := ix.OfType(contract.TypeACMCertificate)
				for _, l := range ix.OfType(contract.TypeListener) {
					if query.Str(l, "protocol") != "HTTPS" {
						continue
					}
					if spec.Edge.CertificateARN != "" {
						assert.Equal(t, spec.Edge.CertificateARN, query.Str(l, "certificateArn"))
					} else {
						require.NotNil(t, ix.Ref(query.Str(l, "certificateArn")), "dev listeners use the imported certificate")
					}
				}
				if stack == "dev" {
					assert.NotEmpty(t, certs)
				} else {
					assert.Empty(t, certs, "no self-signed certificate outside dev")
				}
			})

			t.Run("every security invariant holds", func(t *testing.T) {
				for _, res := range policy.Evaluate(export) {
					assert.True(t, res.Passed(), "%s: %v", res.Invariant.ID, res.Findings)
					assert.Positive(t, res.Checked, "%s checked nothing", res.Invariant.ID)
				}
			})

			t.Run("AWS limits the mocks do not enforce", func(t *testing.T) {
				assert.Empty(t, awslimits.Check(export.Deployment.Resources))
			})
		})
	}
}

func TestPlanIsDeterministic(t *testing.T) {
	t.Parallel()
	_, first := testkit.Plan(t, "prod")
	_, second := testkit.Plan(t, "prod")
	a, err := json.Marshal(first)
	require.NoError(t, err)
	b, err := json.Marshal(second)
	require.NoError(t, err)
	assert.Equal(t, string(a), string(b), "two runs must register identical inputs, or every pulumi up would show a diff")
}

func TestInvalidConfigRegistersNothing(t *testing.T) {
	t.Parallel()
	src := testkit.Source(t, "dev")
	src.Values["secure-vpc:network"] = `{"cidr":"10.20.0.0/16","availabilityZones":["eu-west-1a"]}`
	cloud, err := testkit.Run(t, src)
	var cfgErr *platform.ConfigError
	require.True(t, errors.As(err, &cfgErr), "want a config error, got %v", err)
	assert.Equal(t, "secure-vpc:network.availabilityZones", cfgErr.Problems[0].Key)
	for _, r := range cloud.Records() {
		assert.False(t, r.Custom, "config errors must come before any resource: %s was registered", r.URN)
	}
	assert.Empty(t, cloud.Calls(), "nor any call to AWS")
}

func TestNATStrategies(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		strategy     string
		nats, routes int
	}{{"none", 0, 0}, {"single", 1, 2}, {"perAz", 2, 2}} {
		t.Run(tc.strategy, func(t *testing.T) {
			src := testkit.Source(t, "dev")
			src.Values["secure-vpc:network"] = `{"cidr":"10.20.0.0/16","availabilityZones":["eu-west-1a","eu-west-1b"],"natGateways":"` + tc.strategy + `"}`
			if tc.strategy == "none" { // without NAT, no service may declare a destination
				var services map[string]map[string]any
				require.NoError(t, json.Unmarshal([]byte(src.Values["secure-vpc:services"]), &services))
				delete(services["orders"], "egress")
				data, err := json.Marshal(services)
				require.NoError(t, err)
				src.Values["secure-vpc:services"] = string(data)
			}
			cloud, err := testkit.Run(t, src)
			require.NoError(t, err)
			assert.Len(t, cloud.ByType(contract.TypeNatGateway), tc.nats)
			natRoutes := 0
			for _, r := range cloud.ByType(contract.TypeRoute) {
				if _, ok := r.Inputs["natGatewayId"]; ok {
					natRoutes++
				}
			}
			assert.Equal(t, tc.routes, natRoutes, "private route tables with a default route to NAT")
			export := cloud.Export()
			assert.Empty(t, policy.Failed(policy.Evaluate(&export)))
		})
	}
}

func aliasOf(ix *query.Index, keyRef string) string {
	key := ix.Ref(keyRef)
	if key == nil {
		return ""
	}
	for _, a := range ix.OfType(contract.TypeKMSAlias) {
		if query.Str(a, "targetKeyId") == key.ID {
			return query.Str(a, "name")
		}
	}
	return ""
}

// What the issue of a plan that passes but does not deploy or work found, checked on what the
// program registers for every committed stack.
func TestCommittedStacksDeployAndWork(t *testing.T) {
	t.Parallel()
	for _, stack := range testkit.Stacks {
		t.Run(stack, func(t *testing.T) {
			spec, err := platform.Load(testkit.Source(t, stack))
			require.NoError(t, err)
			cloud, export := testkit.Plan(t, stack)
			ix := query.NewIndex(export)

			t.Run("every guard of a kept store is kept with it", func(t *testing.T) {
				guards := 0
				for _, store := range ix.OfType(contract.TypeKMSKey, contract.TypeBucket, contract.TypeDBInstance, contract.TypeCache, contract.TypeSecret, contract.TypeLogGroup) {
					assert.Equal(t, spec.Protect, store.Protect, "%s", store.URN)
					for g := range ix.Guards(store) {
						guards++
						assert.Equal(t, spec.Protect, g.Protect, "%s guards %s", g.URN, store.URN)
					}
				}
				assert.Greater(t, guards, 30, "guards were found")
			})

			t.Run("a final snapshot name of its own per database incarnation", func(t *testing.T) {
				for _, db := range cloud.ByType(contract.TypeDBInstance) {
					final := db.Inputs["finalSnapshotIdentifier"]
					if !spec.Protect {
						assert.True(t, final.IsNull(), "dev skips the final snapshot")
						continue
					}
					assert.Regexp(t, `^users-db-`+stack+`-final-[0-9a-f]{8}$`, final.StringValue())
					seed := db.PropertyDependencies["finalSnapshotIdentifier"]
					require.Len(t, seed, 1)
					assert.Contains(t, seed[0], "tls:index/privateKey:PrivateKey::users-db-final-snapshot")
					for _, r := range cloud.Records() {
						if r.URN == seed[0] {
							trigger := fmt.Sprint(r.ReplacementTrigger)
							for _, input := range []string{"postgres", "users_db", "dbadmin", "key/"} {
								assert.Contains(t, trigger, input, "the name changes whenever the instance is replaced")
							}
						}
					}
				}
			})

			t.Run("tasks receive exactly the variables of the task contract", func(t *testing.T) {
				for _, td := range ix.OfType(contract.TypeTaskDefinition) {
					var cs []struct {
						Environment []struct{ Name string } `json:"environment"`
						Secrets     []struct{ Name string } `json:"secrets"`
					}
					require.NoError(t, json.Unmarshal([]byte(query.Str(td, "containerDefinitions")), &cs))
					var got []string
					for _, e := range cs[0].Environment {
						got = append(got, e.Name)
					}
					for _, s := range cs[0].Secrets {
						got = append(got, s.Name)
					}
					slices.Sort(got)
					if migration := query.Tags(td)[contract.MigrationTag]; migration != "" {
						assert.Equal(t, platform.MigrationVariables(spec, strings.TrimSuffix(migration, "-migration")), got, query.Name(td))
						continue
					}
					assert.Equal(t, platform.TaskVariables(spec, query.Name(td)), got, query.Name(td))
				}
			})

			t.Run("network ACL rules go before their replacement", func(t *testing.T) {
				rules := cloud.ByType(contract.TypeNetworkACLRule)
				require.NotEmpty(t, rules)
				for _, r := range rules {
					assert.True(t, r.DeleteBeforeReplace, "%s: a rule number is unique in its ACL", r.URN)
				}
			})

			t.Run("tasks get a tmpfs /tmp and bind unprivileged ports; only the migration task gets the master secret", func(t *testing.T) {
				for _, td := range ix.OfType(contract.TypeTaskDefinition) {
					var cs []struct {
						PortMappings []struct {
							ContainerPort int `json:"containerPort"`
						} `json:"portMappings"`
						Environment []struct{ Name, Value string } `json:"environment"`
						Secrets     []struct{ Name string }        `json:"secrets"`
						LinuxParams struct {
							Tmpfs []struct {
								ContainerPath string   `json:"containerPath"`
								Size          int      `json:"size"`
								MountOptions  []string `json:"mountOptions"`
							} `json:"tmpfs"`
						} `json:"linuxParameters"`
					}
					require.NoError(t, json.Unmarshal([]byte(query.Str(td, "containerDefinitions")), &cs))
					require.Len(t, cs[0].LinuxParams.Tmpfs, 1)
					tmp := cs[0].LinuxParams.Tmpfs[0]
					assert.Equal(t, "/tmp", tmp.ContainerPath)
					assert.Positive(t, tmp.Size)
					assert.NotContains(t, tmp.MountOptions, "ro")
					assert.Empty(t, query.List(td, "volumes"), "no bind mount, which Fargate would own as root")
					if query.Tags(td)[contract.MigrationTag] != "" {
						assert.Empty(t, cs[0].PortMappings, "the migration task listens on nothing")
						var names []string
						for _, s := range cs[0].Secrets {
							names = append(names, s.Name)
						}
						assert.Equal(t, []string{"DB_USERS_DB_MASTER_PASSWORD", "DB_USERS_DB_MASTER_USERNAME"}, names, "the master user's credentials, injected at start")
						continue
					}
					assert.GreaterOrEqual(t, cs[0].PortMappings[0].ContainerPort, 1024)
					for _, s := range cs[0].Secrets {
						assert.NotContains(t, s.Name, "DB_", "no service gets a database password")
					}
					for _, e := range cs[0].Environment {
						assert.NotContains(t, e.Value, ":secret:rds!", "%s: no service is told where a master secret is", e.Name)
					}
				}
			})
		})
	}
}

// A service that declares internet egress (and pulls its image from the internet) plans with
// every invariant holding: it waits for its NAT route, the NAT gateway's subnet and its route
// to the internet gateway, and the reachability analysis finds its path out.
func TestInternetEgressServiceDeploys(t *testing.T) {
	t.Parallel()
	src := testkit.Source(t, "dev")
	var services map[string]map[string]any
	require.NoError(t, json.Unmarshal([]byte(src.Values["secure-vpc:services"]), &services))
	services["orders"]["egress"] = []any{"api.payments.example", "*.docker.io", "production.cloudflare.docker.com", "docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com"}
	delete(services["orders"], "internetEgress")
	delete(services["orders"], "imageTag")
	services["orders"]["image"] = "docker.io/library/nginx@sha256:" + strings.Repeat("ab", 32) // by digest: IMG-01 takes no public tag
	data, err := json.Marshal(services)
	require.NoError(t, err)
	src.Values["secure-vpc:services"] = string(data)
	cloud, err := testkit.Run(t, src)
	require.NoError(t, err)
	export := cloud.Export()
	assert.Empty(t, policy.Failed(policy.Evaluate(&export)))
	found := false
	for _, p := range query.NewIndex(&export).Reachability() {
		found = found || (p.From.Name == "orders" && p.To.Kind == contract.InternetNode && p.Status == contract.PathReachable)
	}
	assert.True(t, found, "orders reaches the internet through NAT")
}
