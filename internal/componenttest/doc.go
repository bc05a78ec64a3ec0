// Package componenttest holds every test that runs a component alone under the recording mock:
// one test binary links the AWS SDK for all of them, so that the component packages' own tests
// (their pure planners, in netplan, rolepolicy, bucketpolicy and resourcepolicy) build and run
// without it. The tests are grouped by component package (network_*, secrets_*, compute, data);
// each runs one component with testkit.Component and asserts what it promises: its children,
// their key inputs and tags, protect, dependencies and outputs. The program as a whole is tested
// under the same mock in platform.
package componenttest
