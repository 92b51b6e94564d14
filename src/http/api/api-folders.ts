// Folders as apps see them: the user's categories, plus one folder for subscriptions without a
// category (apps expect every feed in exactly one folder: Read You aborts otherwise). That folder
// is named as in the web UI, in the user's language; if a real category has that name, it is
// that category.
import type { Kysely } from 'kysely';
import { en } from '../../i18n/en.ts';
import { fr } from '../../i18n/fr.ts';
import { categoriesForUser } from '../../storage/categories.ts';
import type { Schema, User } from '../../storage/schema.ts';

/** Fever group id of the "Uncategorized" folder when no category carries its name (< 2^31). */
export const UNCATEGORIZED_GROUP_ID = 2147483647;

export interface ApiFolder {
  id: number;
  name: string;
}

export interface ApiFolders {
  /** Real categories, in the user's order. */
  categories: ApiFolder[];
  uncategorized: ApiFolder;
  /** The folder of a subscription (by its category). */
  folderOf(categoryId: number | null, categoryName: string | null): ApiFolder;
  /** What a folder name designates; null when no folder has that name. */
  byName(name: string): { categoryIds: number[]; uncategorized: boolean } | null;
  /** What a Fever group id designates. */
  byGroupId(id: number): { categoryIds: number[]; uncategorized: boolean } | null;
}

/**
 * The name of the folder of subscriptions without a category, in the user's language. (When a
 * category has that name, the folder is that category: the name is the same.)
 */
export function uncategorizedFolderName(user: Pick<User, 'language'>): string {
  return (user.language === 'fr' ? fr : en)['nav.uncategorized'];
}

export async function apiFolders(db: Kysely<Schema>, user: User): Promise<ApiFolders> {
  const categories = (await categoriesForUser(db, user.id)).map((c) => ({ id: c.id, name: c.name }));
  const uncategorizedName = uncategorizedFolderName(user);
  const clash = categories.find((c) => c.name === uncategorizedName);
  const uncategorized = clash ?? { id: UNCATEGORIZED_GROUP_ID, name: uncategorizedName };
  return {
    categories,
    uncategorized,
    folderOf(categoryId, categoryName) {
      return categoryId === null || categoryName === null
        ? uncategorized
        : { id: categoryId, name: categoryName };
    },
    byName(name) {
      const ids = categories.filter((c) => c.name === name).map((c) => c.id);
      const isUncategorized = name === uncategorizedName;
      return ids.length || isUncategorized ? { categoryIds: ids, uncategorized: isUncategorized } : null;
    },
    byGroupId(id) {
      if (id === uncategorized.id) return { categoryIds: clash ? [clash.id] : [], uncategorized: true };
      return categories.some((c) => c.id === id) ? { categoryIds: [id], uncategorized: false } : null;
    },
  };
}
