package platform

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/network"
	"github.com/secure-vpc/secure-vpc/secrets"
)

// Deploy is the Pulumi program: it reads and validates the whole stack config, and only if all
// of it is valid composes the components. A config error registers nothing.
func Deploy(ctx *pulumi.Context) error {
	spec, err := Load(SourceFromContext(ctx))
	if err != nil {
		return err
	}
	return Build(ctx, spec)
}

// SourceFromContext collects the stack config Pulumi gave the program. The Go SDK offers no way
// to list config keys, so the key names come from PULUMI_CONFIG, the variable through which the
// engine (and the offline plan) passes config to Go programs; values and secrecy come from ctx.
func SourceFromContext(ctx *pulumi.Context) Source {
	src := Source{Stack: ctx.Stack(), Values: map[string]string{}, Secret: map[string]bool{}}
	keys := map[string]bool{keyRegion: true}
	for _, k := range Keys {
		keys[nsKey(k)] = true
	}
	var all map[string]string
	if err := json.Unmarshal([]byte(os.Getenv(pulumi.EnvConfig)), &all); err == nil {
		for k := range all {
			keys[k] = true
		}
	}
	for k := range keys {
		if v, ok := ctx.GetConfig(k); ok {
			src.Values[k] = v
			src.Secret[k] = ctx.IsConfigSecret(k)
		}
	}
	return src
}

// Build composes the components of a validated spec.
func Build(ctx *pulumi.Context, spec *Spec) error {
	identity, err := aws.GetCallerIdentity(ctx, &aws.GetCallerIdentityArgs{})
	if err != nil {
		return fmt.Errorf("looking up the AWS account: %w", err)
	}
	account := identity.AccountId

	keys, err := secrets.NewKeyring(ctx, "keys", &secrets.KeyringArgs{
		Project:   Project,
		Stack:     spec.Stack,
		Region:    spec.Region,
		AccountID: account,
		Protect:   spec.Protect,
	})
	if err != nil {
		return fmt.Errorf("creating keyring: %w", err)
	}

	vpc, err := network.NewVpc(ctx, "network", &network.VpcArgs{
		Project:              Project,
		Stack:                spec.Stack,
		Region:               spec.Region,
		AccountID:            account,
		CIDR:                 spec.Network.CIDR,
		AvailabilityZones:    spec.Network.AvailabilityZones,
		NATGateways:          spec.Network.NATGateways,
		DataPorts:            spec.DataPorts(),
		FlowLogRetentionDays: spec.Network.FlowLogRetentionDays,
		LogsKeyArn:           keys.LogsKeyArn,
		Protect:              spec.Protect,
	})
	if err != nil {
		return fmt.Errorf("creating network: %w", err)
	}

	ctx.Export("environment", pulumi.String(string(spec.Environment)))
	ctx.Export("vpcId", vpc.VpcID)
	ctx.Export("vpcCidr", pulumi.String(vpc.CIDR))
	ctx.Export("publicSubnetIds", vpc.PublicSubnetIDs)
	ctx.Export("privateSubnetIds", vpc.PrivateSubnetIDs)
	ctx.Export("isolatedSubnetIds", vpc.IsolatedSubnetIDs)
	ctx.Export("flowLogGroupName", vpc.FlowLogGroupName)
	ctx.Export("logsKeyArn", keys.LogsKeyArn)
	return nil
}

// WithPlaceholderSecrets returns a copy of src in which every declared app secret without a
// value gets a placeholder secret value. The offline plan uses it to show what a stack builds
// before its secrets are set; a real deployment never does (Load then asks for the values).
func WithPlaceholderSecrets(src Source) (Source, []string) {
	out := Source{Stack: src.Stack, Values: map[string]string{}, Secret: map[string]bool{}}
	for k, v := range src.Values {
		out.Values[k] = v
	}
	for k, v := range src.Secret {
		out.Secret[k] = v
	}
	var declared map[string]json.RawMessage
	if err := json.Unmarshal([]byte(src.Values[nsKey(keySecrets)]), &declared); err != nil || len(declared) == 0 {
		return out, nil
	}
	values := map[string]any{}
	vk := nsKey(keySecretValues)
	if existing, ok := src.Values[vk]; ok {
		if err := json.Unmarshal([]byte(existing), &values); err != nil {
			return out, nil // leave it for Load to report
		}
	}
	var filled []string
	for name := range declared {
		if _, has := values[name]; !has {
			values[name] = "offline-plan-placeholder"
			filled = append(filled, name)
		}
	}
	if len(filled) == 0 {
		return out, nil
	}
	sort.Strings(filled)
	data, _ := json.Marshal(values)
	if len(values) == len(filled) {
		out.Secret[vk] = true // only placeholders; a plaintext value stays plaintext, for Load to reject
	}
	out.Values[vk] = string(data)
	return out, filled
}
