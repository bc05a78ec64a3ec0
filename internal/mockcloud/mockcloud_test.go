package mockcloud

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
)

// These tests register resources and invoke functions by their type tokens, exactly as the
// pulumi-aws SDK does, so that this package's test binary does not link the SDK: what the mock
// receives is the same registration.

// registered is a registered custom resource of any type.
type registered struct{ pulumi.CustomResourceState }

// register registers a custom resource of a type with inputs and options, as an SDK constructor does.
func register(ctx *pulumi.Context, typ, name string, inputs pulumi.Map, opts ...pulumi.ResourceOption) (*registered, error) {
	var r registered
	err := ctx.RegisterResource(typ, name, inputs, &r, opts...)
	return &r, err
}

func TestRealisticDeterministicOutputs(t *testing.T) {
	program := func(ctx *pulumi.Context) error {
		vpc, err := register(ctx, contract.TypeVpc, "net", pulumi.Map{"cidrBlock": pulumi.String("10.0.0.0/16")})
		if err != nil {
			return err
		}
		if _, err := register(ctx, contract.TypeSubnet, "net-a", pulumi.Map{"vpcId": vpc.ID(), "cidrBlock": pulumi.String("10.0.0.0/24")}); err != nil {
			return err
		}
		if _, err := register(ctx, contract.TypeKMSKey, "key", pulumi.Map{}); err != nil {
			return err
		}
		if _, err := register(ctx, contract.TypeLoadBalancer, "web-alb", pulumi.Map{}); err != nil {
			return err
		}
		_, err = register(ctx, contract.TypeIAMRole, "role", pulumi.Map{"assumeRolePolicy": pulumi.String("{}")})
		return err
	}
	first, err := Run(program, "p", "s", "eu-west-1", Config{})
	require.NoError(t, err)
	second, err := Run(program, "p", "s", "eu-west-1", Config{})
	require.NoError(t, err)

	vpc := first.ByType(contract.TypeVpc)[0]
	assert.Regexp(t, `^vpc-[0-9a-f]{17}$`, vpc.ID)
	assert.Equal(t, "arn:aws:ec2:eu-west-1:123456789012:vpc/"+vpc.ID, str(vpc.Outputs, "arn"))
	assert.Regexp(t, `^acl-[0-9a-f]{17}$`, str(vpc.Outputs, "defaultNetworkAclId"))
	subnet := first.ByType(contract.TypeSubnet)[0]
	assert.Equal(t, vpc.ID, str(subnet.Inputs, "vpcId"), "references between resources resolve to the mock ids")
	key := first.ByType(contract.TypeKMSKey)[0]
	assert.Regexp(t, `^arn:aws:kms:eu-west-1:123456789012:key/[0-9a-f-]{36}$`, str(key.Outputs, "arn"))
	role := first.ByType(contract.TypeIAMRole)[0]
	assert.Regexp(t, `^role-[0-9a-f]{7}$`, str(role.Outputs, "name"), "autonamed like the provider: logical name, dash, 7 hex")
	assert.Equal(t, "arn:aws:iam::123456789012:role/"+str(role.Outputs, "name"), str(role.Outputs, "arn"))

	alb := first.ByType(contract.TypeLoadBalancer)[0]
	assert.Regexp(t, `^web-alb-[0-9a-f]{7}-[0-9]+\.eu-west-1\.elb\.amazonaws\.com$`, str(alb.Outputs, "dnsName"))
	assert.Regexp(t, `^arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web-alb-[0-9a-f]{7}/[0-9a-f]{16}$`, alb.ID)

	a, _ := json.Marshal(first.Export())
	b, _ := json.Marshal(second.Export())
	assert.Equal(t, string(a), string(b), "the same program gives the same plan")
}

func TestUnmockedFunctionIsAnError(t *testing.T) {
	_, err := Run(func(ctx *pulumi.Context) error {
		var out struct{ Name string }
		return ctx.Invoke("aws:index/getRegion:getRegion", pulumi.Map{}, &out)
	}, "p", "s", "eu-west-1", Config{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no mock for function aws:index/getRegion:getRegion")

	cloud, err := Run(func(ctx *pulumi.Context) error {
		var id struct {
			AccountID string `pulumi:"accountId"`
		}
		err := ctx.Invoke(contract.FuncCallerIdentity, pulumi.Map{}, &id)
		if err == nil && id.AccountID != AccountID {
			t.Errorf("account %s", id.AccountID)
		}
		return err
	}, "p", "s", "eu-west-1", Config{})
	require.NoError(t, err)
	assert.Equal(t, []string{contract.FuncCallerIdentity}, cloud.Calls())
}

func TestExportWithholdsSecrets(t *testing.T) {
	const plaintext = "test-only-secret-value"
	cloud, err := Run(func(ctx *pulumi.Context) error {
		_, err := register(ctx, contract.TypeIAMRole, "role", pulumi.Map{
			"assumeRolePolicy": pulumi.String("{}"),
			"description":      pulumi.ToSecret(pulumi.String(plaintext)),
		})
		return err
	}, "p", "s", "eu-west-1", Config{})
	require.NoError(t, err)
	data, err := json.Marshal(cloud.Export())
	require.NoError(t, err)
	assert.NotContains(t, string(data), plaintext)
	assert.Contains(t, string(data), `"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270"`)
}

func TestExportKeepsEmptyObjects(t *testing.T) {
	assert.Equal(t, map[string]any{"allow": map[string]any{}},
		plain(resource.NewPropertyMapFromMap(map[string]any{"allow": map[string]any{}})),
		"an empty object (WAF's allow {}) is a value, not an absence")
}

func TestConfigReachesTheProgram(t *testing.T) {
	_, err := Run(func(ctx *pulumi.Context) error {
		v, ok := ctx.GetConfig("proj:setting")
		if !ok || v != `{"a":1}` || !ctx.IsConfigSecret("proj:setting") {
			t.Errorf("config not passed: %q %v", v, ok)
		}
		return nil
	}, "proj", "s", "eu-west-1", Config{Values: map[string]string{"proj:setting": `{"a":1}`}, Secret: []string{"proj:setting"}})
	require.NoError(t, err)
}

func TestExportShape(t *testing.T) {
	cloud, err := Run(func(ctx *pulumi.Context) error {
		_, err := register(ctx, contract.TypeVpc, "net", pulumi.Map{"cidrBlock": pulumi.String("10.0.0.0/16")}, pulumi.Protect(true))
		return err
	}, "p", "s", "eu-west-1", Config{})
	require.NoError(t, err)
	e := cloud.Export()
	assert.Equal(t, 3, e.Version)
	require.NotEmpty(t, e.Deployment.Resources)
	assert.Equal(t, contract.TypeStack, e.Deployment.Resources[0].Type)
	var vpc = e.Deployment.Resources[len(e.Deployment.Resources)-1]
	for _, r := range e.Deployment.Resources {
		if r.Type == contract.TypeVpc {
			vpc = r
		}
	}
	assert.True(t, vpc.Protect)
	assert.True(t, vpc.Custom)
	assert.Equal(t, e.Deployment.Resources[0].URN, vpc.Parent)
	assert.True(t, strings.HasPrefix(vpc.URN, "urn:pulumi:s::p::aws:ec2/vpc:Vpc::net"))
	assert.Regexp(t, regexp.MustCompile(`^vpc-`), vpc.ID)
}

// The mock tells the truth about per-region AWS data: the regional Elastic Load Balancing account
// exists only where AWS documents one, and in newer regions the data source fails as the
// provider's does ("unsupported AWS Region"), rather than answering with a made-up account.
func TestELBServiceAccountPerRegion(t *testing.T) {
	for _, tc := range []struct {
		region, account string
	}{
		{"eu-west-1", "156460612806"},
		{"us-east-1", "127311923021"},
		{"ap-southeast-3", "589379963580"},
		{"eu-central-2", ""},
		{"mx-central-1", ""},
	} {
		var got string
		var callErr error
		_, err := Run(func(ctx *pulumi.Context) error {
			var sa struct {
				ID string `pulumi:"id"`
			}
			if err := ctx.Invoke(contract.FuncELBServiceAccount, pulumi.Map{}, &sa); err != nil {
				callErr = err
				return nil
			}
			got = sa.ID
			return nil
		}, "p", "s", tc.region, Config{})
		require.NoError(t, err)
		if tc.account == "" {
			require.Error(t, callErr, tc.region)
			assert.Contains(t, callErr.Error(), "unsupported AWS Region: "+tc.region)
			continue
		}
		require.NoError(t, callErr, tc.region)
		assert.Equal(t, tc.account, got, tc.region)
	}
}

// kms.getPublicKey answers a PEM PUBLIC KEY block that is plainly a stand-in, the same for the
// same key and another for another key; nothing in it looks like a private key.
func TestPublicKeyIsAFakePEM(t *testing.T) {
	type result struct {
		PublicKeyPem string   `pulumi:"publicKeyPem"`
		KeyUsage     string   `pulumi:"keyUsage"`
		Algorithms   []string `pulumi:"signingAlgorithms"`
	}
	const a, b = "arn:aws:kms:eu-west-1:123456789012:key/0000aaaa-0000-4000-8000-000000000000", "arn:aws:kms:eu-west-1:123456789012:key/0000bbbb-0000-4000-8000-000000000000"
	got := map[string][]result{}
	cloud, err := Run(func(ctx *pulumi.Context) error {
		for _, key := range []string{a, a, b} {
			var r result
			if err := ctx.Invoke(contract.FuncKMSPublicKey, pulumi.Map{"keyId": pulumi.String(key)}, &r); err != nil {
				return err
			}
			got[key] = append(got[key], r)
		}
		return nil
	}, "p", "s", "eu-west-1", Config{})
	require.NoError(t, err)
	assert.Equal(t, []string{contract.FuncKMSPublicKey, contract.FuncKMSPublicKey, contract.FuncKMSPublicKey}, cloud.Calls())
	pem := got[a][0].PublicKeyPem
	assert.Regexp(t, `^-----BEGIN PUBLIC KEY-----\nMOCKPUBLICKEY[0-9A-F]+\n-----END PUBLIC KEY-----\n$`, pem)
	assert.NotContains(t, pem, "PRIVATE")
	assert.Equal(t, pem, got[a][1].PublicKeyPem, "deterministic")
	assert.NotEqual(t, pem, got[b][0].PublicKeyPem, "one per key")
	assert.Equal(t, "SIGN_VERIFY", got[a][0].KeyUsage)
	assert.Equal(t, []string{"ECDSA_SHA_256"}, got[a][0].Algorithms)
}
