package stacks

// removedKeys are config keys an older version of the program read and this one refuses, each with
// what replaced it. A stack file that still sets one fails with that explanation instead of a bare
// "unknown key", so an operator who follows an old runbook learns why.
var removedKeys = map[string]string{
	// The writer is runtime state: a switchover or failover moves it without a deploy, and nothing
	// the program builds depends on it (see docs/failover.md).
	"database.writerRegion": "was removed: the writer is found at runtime (the region hosting the global cluster's primary, " +
		"which a switchover or failover moves with no config change and no deploy); remove the key with " +
		"`pulumi config rm --path multi-region-ha:database.writerRegion`. primaryRegion stays the home region.",
}
