/** The association's own contact facts, from configuration: shown only when set, never invented. */
export interface AssociationContacts {
  name?: string;
  phone?: string;
  hours?: string;
  address?: string;
  email?: string;
}
