package awsenv

import "fmt"

// Account is where a component's resources live: the account id from config, the region of the
// component's provider and the partition of that region. Nothing here is read from AWS.
type Account struct {
	ID        string
	Partition string
	Region    string
}

// AccountIn returns the account id in region, with the region's partition.
func AccountIn(id, region string) Account {
	partition, _ := Partition(region)
	return Account{ID: id, Partition: partition, Region: region}
}

// RootArn is the account's root principal, through which IAM policies are allowed to grant a key.
func (a Account) RootArn() string { return fmt.Sprintf("arn:%s:iam::%s:root", a.Partition, a.ID) }

// Arn builds an ARN in the account and region: Arn("logs", "log-group:*").
func (a Account) Arn(service, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", a.Partition, service, a.Region, a.ID, resource)
}

// Validate refuses an account a component cannot build ARNs with.
func (a Account) Validate() error {
	if len(a.ID) != 12 {
		return fmt.Errorf("AccountId must be the 12-digit AWS account id, got %q", a.ID)
	}
	if a.Region == "" {
		return fmt.Errorf("the region is empty")
	}
	return nil
}
