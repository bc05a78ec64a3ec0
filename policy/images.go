package policy

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
	"github.com/secure-vpc/secure-vpc/query"
)

const imagesStrategy = `Strategy 4, "Dependency Scanning": the third-party code in images is scanned; a task runs only an image whose content cannot change under it`

var imageInvariants = []Invariant{
	{
		ID:        "IMG-01",
		Statement: "Every task definition's image is pinned by digest, or comes from an ECR repository of the stack whose tags are immutable and whose images are scanned (on push, or by enhanced scanning)",
		Enforces:  imagesStrategy + "; Security Hub ECR.1, ECR.2",
		Covers:    []string{contract.TypeTaskDefinition, contract.TypeECRRepository, contract.TypeECRRegistryScanningConfig, contract.TypeInspectorEnabler},
		check:     checkTaskImageSources,
	},
	{
		ID:        "IMG-02",
		Statement: "Every ECR repository is encrypted with a customer-managed KMS key of the stack, keeps its tags immutable, expires untagged images, and is protected with its policies where the stack protects its stores",
		Enforces:  `Strategy 3, "Encryption at Rest"; Security Hub ECR.2, ECR.3; AWS Config ecr-repository-cmk-encryption-enabled`,
		Covers:    []string{contract.TypeECRRepository, contract.TypeECRLifecyclePolicy, contract.TypeKMSKey},
		check:     checkRepositoryGuards,
	},
	{
		ID:        "IMG-03",
		Statement: "Every ECR repository's policy denies pulling to every principal but the execution roles it admits (and its pushers), pushing and deleting images to all but its pushers and the deploying roles, and changing its policy, lifecycle, scanning or tag mutability to all but the deploying roles, whatever their IAM policies allow; it allows no wildcard principal and no other account's",
		Enforces:  `Strategy 1, "Service-to-Service Security": only a service's execution role pulls its image; within one account an Allow in IAM is enough, so only a Deny restricts`,
		Covers:    []string{contract.TypeECRRepository, contract.TypeECRRepositoryPolicy, contract.TypeIAMRole},
		check:     checkRepositoryDenials,
	},
	{
		ID:        "IMG-04",
		Statement: "Every task definition whose image is in an ECR repository of the stack has an execution role that repository's policy does not deny pulling",
		Enforces:  `Strategy 1, "Service-to-Service Security": a repository admits its own service's execution roles only, so a task that names another service's repository plans clean but can never start`,
		Covers:    []string{contract.TypeTaskDefinition, contract.TypeECRRepository, contract.TypeECRRepositoryPolicy, contract.TypeIAMRole},
		check:     checkTaskImagePullAdmitted,
	},
}

// ImageSource says where a task's image comes from, for the report and the diff: "digest"
// (pinned, any registry), "repository" (a repository of the stack, by tag), "tag" (a tag in a
// registry the stack does not hold), or "unknown" (the reference cannot be read).
func ImageSource(ti query.TaskImage) string {
	switch {
	case !ti.Parsed:
		return "unknown"
	case ti.Repository != nil && ti.Ref.Pinned():
		return "repository, digest"
	case ti.Repository != nil:
		return "repository"
	case ti.Ref.Pinned():
		return "digest"
	}
	return "tag"
}

func checkTaskImageSources(ix *query.Index) (int, []Finding) {
	var fs []Finding
	filters := ix.EnhancedScanning()
	images := ix.TaskImages()
	for _, ti := range images {
		td := ti.TaskDefinition
		switch {
		case !ti.Parsed && ti.Container == "":
			fs = append(fs, finding(td, "has no readable container definitions, so where its image comes from is unknown"))
		case !ti.Parsed:
			fs = append(fs, finding(td, "container %s runs %q, an image reference whose source cannot be placed; pin it by digest or run it from the stack's repository", ti.Container, ti.Image))
		case ti.Repository != nil:
			repo := ti.Repository
			if !repo.Immutable && !ti.Ref.Pinned() {
				fs = append(fs, finding(td, "container %s runs %s by tag from repository %s, whose tags are mutable: a push can change what the task runs; make the repository's tags IMMUTABLE or pin the digest", ti.Container, ti.Image, repo.Name))
			}
			if !repo.ScanOnPush && !query.ScannedByEnhanced(filters, repo.Name) {
				fs = append(fs, finding(td, "container %s runs an image from repository %s, which scans nothing (no scan on push, no enhanced scanning rule); turn scanOnPush on", ti.Container, repo.Name))
			}
		case !ti.Ref.Pinned():
			fs = append(fs, finding(td, "container %s runs %s by tag from %s, a registry the stack does not hold: the tag can be moved to other content; pin it by digest (@sha256:...) or run it from the stack's repository (imageTag)", ti.Container, ti.Image, ti.Ref.Registry))
		}
	}
	return len(images), fs
}

func checkRepositoryGuards(ix *query.Index) (int, []Finding) {
	var fs []Finding
	protects := slices.ContainsFunc(ix.OfType(contract.TypeKMSKey), func(k *query.Resource) bool { return k.Protect })
	repos := ix.Repositories()
	for _, repo := range repos {
		r := repo.Resource
		switch key := ix.Ref(repo.KMSKey); {
		case repo.Encryption != "KMS" || repo.KMSKey == "":
			fs = append(fs, finding(r, "repository %s is encrypted with %s, not a customer-managed KMS key; set encryptionConfigurations KMS with the stack's images key", repo.Name, repo.Encryption))
		case key == nil || key.Type != contract.TypeKMSKey:
			fs = append(fs, finding(r, "repository %s is encrypted with %s, which is not a customer-managed key of the stack", repo.Name, repo.KMSKey))
		}
		if !repo.Immutable {
			fs = append(fs, finding(r, "repository %s has mutable tags: a push can change what a tag names; set imageTagMutability IMMUTABLE", repo.Name))
		}
		if !expiresUntagged(repo.Lifecycle) {
			fs = append(fs, finding(r, "repository %s has no lifecycle policy that expires untagged images", repo.Name))
		}
		if protects {
			for _, g := range []*query.Resource{r, repo.Policy, repo.Lifecycle} {
				if g != nil && !g.Protect {
					fs = append(fs, finding(g, "belongs to repository %s of a stack that protects its stores, but is not protected; protect it", repo.Name))
				}
			}
			if force, _ := query.Bool(r, "forceDelete"); force {
				fs = append(fs, finding(r, "repository %s would be deleted with its images (forceDelete) in a stack that protects its stores; set forceDelete false", repo.Name))
			}
		}
	}
	return len(repos), fs
}

// lifecycleRule is a rule of an ECR lifecycle policy, as far as the audit reads it
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html).
type lifecycleRule struct {
	Selection struct {
		TagStatus string `json:"tagStatus"`
	} `json:"selection"`
	Action struct {
		Type string `json:"type"`
	} `json:"action"`
}

// expiresUntagged reports whether a lifecycle policy has a rule that expires untagged images.
func expiresUntagged(lc *query.Resource) bool {
	if lc == nil {
		return false
	}
	var doc struct {
		Rules []lifecycleRule `json:"rules"`
	}
	if err := json.Unmarshal([]byte(query.Str(lc, "policy")), &doc); err != nil {
		return false
	}
	return slices.ContainsFunc(doc.Rules, func(r lifecycleRule) bool {
		return r.Selection.TagStatus == "untagged" && r.Action.Type == "expire"
	})
}

func checkRepositoryDenials(ix *query.Index) (int, []Finding) {
	var fs []Finding
	repos := ix.Repositories()
	execRoles := map[string]bool{}
	for _, role := range ix.OfType(contract.TypeIAMRole) {
		if query.Tags(role)[contract.RoleTag] == string(contract.ExecutionRole) {
			execRoles[query.Str(role, "arn")] = true
		}
	}
	for _, repo := range repos {
		r := repo.Resource
		g := ix.RepositoryGuardOf(repo)
		switch {
		case g.Policy == nil:
			fs = append(fs, finding(r, "repository %s has no repository policy: any principal of the account whose IAM policy allows it may pull, push or change its images and policy; deny them to all but its execution roles, pushers and deploying roles", repo.Name))
			continue
		case !g.Readable:
			fs = append(fs, finding(g.Policy, "the policy of repository %s cannot be read, so who may pull, push or change it is unknown", repo.Name))
			continue
		}
		account := strings.Split(query.Str(r, "arn")+"::::", ":")[4]
		pullers := repositoryAllows(ix, repo, account, &fs)
		narrowed := ""
		if len(g.Narrowed) > 0 {
			narrowed = fmt.Sprintf("; statements %s deny with a condition or principal that lets some principals through, which does not count", strings.Join(g.Narrowed, ", "))
		}
		for _, d := range []struct {
			short, what, who string
			denial           query.RepositoryDenial
		}{
			{"pull", "pulling", "the execution roles it admits, its pushers and Amazon Inspector", g.Pull},
			{"push", "pushing or deleting images", "its pushers and the deploying roles", g.Write},
			{"guard", "changing its policy, lifecycle, scanning or tag mutability, or deleting it", "the deploying roles", g.Guard},
		} {
			if !d.denial.Denied {
				fs = append(fs, finding(g.Policy, "repository %s does not deny %s (%s) to every principal but %s (Deny, Principal *, only ArnNotEquals aws:PrincipalArn)%s: within one account an IAM Allow is enough", repo.Name, d.what, strings.Join(d.denial.Missing, ", "), d.who, narrowed))
			}
			for _, p := range d.denial.Exempt {
				if !exactRole(p) {
					fs = append(fs, finding(g.Policy, "repository %s exempts %s from its %s denial; exempt roles by their full ARNs only", repo.Name, p, d.short))
				}
			}
		}
		for _, p := range g.Pull.Exempt {
			switch {
			case !exactRole(p), slices.Contains(g.Write.Exempt, p), slices.Contains(g.Guard.Exempt, p), p == awslimits.InspectorServiceLinkedRole(account):
			case !pullers[p]:
				fs = append(fs, finding(g.Policy, "repository %s exempts %s from its pull denial without allowing it to pull or push", repo.Name, p))
			case !execRoles[p]:
				fs = append(fs, finding(g.Policy, "repository %s lets %s pull, which is not an execution role of the stack", repo.Name, p))
			}
		}
		for p := range pullers {
			if !execRoles[p] && !slices.Contains(g.Write.Exempt, p) {
				fs = append(fs, finding(g.Policy, "repository %s allows %s to pull, which is not an execution role of the stack", repo.Name, p))
			}
		}
	}
	return len(repos), fs
}

// repositoryAllows reads the Allow statements of a repository's policy: the roles it allows to
// pull. An Allow to every principal ("*"), to an account, or to a principal of another account,
// and an Allow with NotPrincipal, NotAction or NotResource, is a finding.
func repositoryAllows(ix *query.Index, repo query.Repository, account string, fs *[]Finding) map[string]bool {
	pullers := map[string]bool{}
	for _, st := range ix.PolicyOf(repo.Policy).Statement {
		if st.Effect != policydoc.Allow {
			continue
		}
		if st.Negated() != "" {
			*fs = append(*fs, finding(repo.Policy, "%s", negatedAllow(st)))
			continue
		}
		ps := st.Principals()
		for kind, ids := range ps {
			for _, p := range ids {
				switch {
				case p == "*":
					*fs = append(*fs, finding(repo.Policy, "statement %s of repository %s allows every principal (%s: *); allow its execution roles and pushers by ARN", st.Sid, repo.Name, kind))
				case kind != "AWS":
				case query.IsAccountRoot(p):
					*fs = append(*fs, finding(repo.Policy, "statement %s of repository %s allows %s, not named roles", st.Sid, repo.Name, p))
				case query.AccountOf(p) != account:
					*fs = append(*fs, finding(repo.Policy, "statement %s of repository %s allows %s, a principal of another account than %s", st.Sid, repo.Name, p, account))
				case slices.ContainsFunc(awslimits.ECRPullActions, st.Covers):
					pullers[p] = true
				}
			}
		}
	}
	return pullers
}

func checkTaskImagePullAdmitted(ix *query.Index) (int, []Finding) {
	var fs []Finding
	n := 0
	for _, ti := range ix.TaskImages() {
		if ti.Repository == nil {
			continue
		}
		n++
		td, repo := ti.TaskDefinition, *ti.Repository
		role := query.Str(td, "executionRoleArn")
		g := ix.RepositoryGuardOf(repo)
		switch {
		case role == "":
			fs = append(fs, finding(td, "container %s runs an image from repository %s, but the task definition names no execution role, so whether it may pull is unknown", ti.Container, repo.Name))
		case g.Policy != nil && !g.Readable:
			fs = append(fs, finding(td, "container %s runs an image from repository %s, whose policy cannot be read, so whether its execution role may pull is unknown", ti.Container, repo.Name))
		default:
			var denied []string
			for _, a := range awslimits.ECRPullActions {
				if g.Denies(a, role) {
					denied = append(denied, a)
				}
			}
			if len(denied) > 0 {
				fs = append(fs, finding(td, "container %s runs %s from repository %s, whose policy denies %s to its execution role %s: the task cannot pull its image (CannotPullContainerError); run the image of its own repository (imageTag)", ti.Container, ti.Image, repo.Name, strings.Join(denied, ", "), role))
			}
		}
	}
	return n, fs
}
