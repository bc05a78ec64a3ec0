package platform_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/internal/testkit"
	"github.com/secure-vpc/secure-vpc/platform"
	"github.com/secure-vpc/secure-vpc/secrets"
)

// PrivateCAPlan is the recorded plan of dev with vault.certificateAuthority: aws-private-ca
// (testdata/plans/dev-private-ca.json), which the invariant tests read.
const privateCAPlan = "dev-private-ca"

// withPrivateCA is a committed stack's file with the internal CA in AWS Private CA.
func withPrivateCA(t *testing.T, stack string) string {
	t.Helper()
	yaml := testkit.CommittedStackYAML(t, stack)
	require.NotContains(t, yaml, "secure-vpc:vault:", "the committed stack sets the vault; merge the option into it")
	return strings.Replace(yaml, "\nconfig:\n", "\nconfig:\n  secure-vpc:vault:\n    certificateAuthority: aws-private-ca\n", 1)
}

// planWithPrivateCA runs a committed stack with the option on, under the mocks.
func planWithPrivateCA(t *testing.T, stack string) (*platform.Spec, *stackstate.Export) {
	t.Helper()
	src, err := platform.ReadStackFiles(testkit.StackDir(t, stack, withPrivateCA(t, stack)), stack)
	require.NoError(t, err)
	src, _ = platform.WithPlaceholderSecrets(src)
	spec, err := platform.Load(src)
	require.NoError(t, err)
	require.Equal(t, secrets.AWSPrivateCA, spec.CertificateAuthority)
	cloud, err := testkit.Run(t, src)
	require.NoError(t, err)
	export := cloud.Export()
	return spec, &export
}

// The option's plan of dev is recorded like the committed stacks' (rerun with -update after an
// intended change).
func TestRecordedPlansAreCurrentWithPrivateCA(t *testing.T) {
	t.Parallel()
	_, export := planWithPrivateCA(t, "dev")
	got, err := stackstate.Encode(export)
	require.NoError(t, err)
	if *update {
		path := filepath.Join(fixtures.ProjectDir(), fixtures.PlanPath(privateCAPlan))
		require.NoError(t, os.WriteFile(path, got, 0o600))
	}
	if !bytes.Equal(got, fixtures.PlanBytes(t, privateCAPlan)) {
		t.Fatalf("the plan of dev with aws-private-ca differs from %s: rerun with -update and review the diff", fixtures.PlanPath(privateCAPlan))
	}
}

func resourcesOf(e *stackstate.Export, typ string) []stackstate.Resource {
	var out []stackstate.Resource
	for _, r := range e.Deployment.Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// With AWS Private CA: one short-lived root CA, its certificate installed, no TLS secret and no
// pulumi-tls CA or service key; each task role may issue from that CA only; an acm-pca endpoint.
// Protected with the stores in staging and prod.
func TestPrivateCAOption(t *testing.T) {
	t.Parallel()
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			spec, e := planWithPrivateCA(t, stack)
			cas := resourcesOf(e, contract.TypePCACertificateAuthority)
			require.Len(t, cas, 1)
			ca := cas[0]
			assert.Equal(t, "SHORT_LIVED_CERTIFICATE", ca.Inputs["usageMode"])
			assert.Equal(t, "ROOT", ca.Inputs["type"])
			assert.Equal(t, stack == "prod", ca.Protect, "protected with the stores")
			require.Len(t, resourcesOf(e, contract.TypePCACertificate), 1)
			require.Len(t, resourcesOf(e, contract.TypePCACertificateAuthorityCertificate), 1)
			assert.Equal(t, "arn:aws:acm-pca:::template/RootCACertificate/V1", resourcesOf(e, contract.TypePCACertificate)[0].Inputs["templateArn"])

			assert.Empty(t, resourcesOf(e, contract.TypeTLSLocallySignedCert), "no certificate signed with a key in state")
			for _, c := range resourcesOf(e, contract.TypeTLSSelfSignedCert) {
				assert.NotEqual(t, true, c.Inputs["isCaCertificate"], "no pulumi-tls CA: %s", c.URN)
			}
			for _, k := range resourcesOf(e, contract.TypeTLSPrivateKey) {
				assert.NotContains(t, k.URN, "internal-ca", "no CA key in state")
				assert.NotRegexp(t, `::[a-z-]+-tls$`, k.URN, "no service key in state")
			}
			for _, s := range resourcesOf(e, contract.TypeSecret) {
				assert.NotEqual(t, string(contract.TLSSecret), s.Inputs["tags"].(map[string]any)[contract.SecretKindTag], "no TLS secret: %s", s.URN)
			}
			endpoints := 0
			for _, ep := range resourcesOf(e, contract.TypeVpcEndpoint) {
				if strings.HasSuffix(ep.Inputs["serviceName"].(string), ".acm-pca") {
					endpoints++
				}
			}
			assert.Equal(t, 1, endpoints, "tasks without NAT reach AWS Private CA through its endpoint")

			caArn := ca.Outputs["arn"].(string)
			issuers := 0
			for _, rp := range resourcesOf(e, contract.TypeRolePolicy) {
				text := rp.Inputs["policy"].(string)
				if !strings.Contains(text, "acm-pca:IssueCertificate") {
					continue
				}
				issuers++
				assert.Contains(t, rp.URN, "-task", "only task roles issue: %s", rp.URN)
				assert.Contains(t, text, caArn)
				assert.Contains(t, text, `"acm-pca:TemplateArn":"arn:aws:acm-pca:::template/EndEntityCertificate/V1"`)
			}
			assert.Equal(t, len(spec.Services), issuers, "every service's task role, and no other role")
		})
	}
}

// Each task is told where to obtain its certificate, and receives no key: the README's table for
// the option lists exactly these variables, all in the environment (none is a credential).
func TestPrivateCATaskContract(t *testing.T) {
	t.Parallel()
	spec, _ := planWithPrivateCA(t, "dev")
	promised := readmeTable(t, "With `vault.certificateAuthority: aws-private-ca`")
	var names []string
	for _, p := range promised {
		names = append(names, p.name)
	}
	require.NotEmpty(t, names)
	for name := range spec.Services {
		w := platform.WireService(spec, name)
		var tls []string
		for _, v := range w.Variables {
			if strings.HasPrefix(v.Name, "TLS_") {
				tls = append(tls, v.Name)
				assert.False(t, v.IsSecret(), "%s of %s is no credential", v.Name, name)
			}
		}
		assert.ElementsMatch(t, names, tls, name)
		assert.False(t, slices.ContainsFunc(w.SecretsRead(), func(s platform.SecretSource) bool { return s.Kind == contract.TLSSecret }), "%s reads no TLS secret", name)
	}
	assert.Regexp(t, regexp.MustCompile(`^TLS_`), names[0])
}
