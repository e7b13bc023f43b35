/** Types of `products.mjs`, for the unit test that checks the demo catalog. */
export interface Category { id: string; name: string; blurb: string }
export interface Product { id: string; name: string; category: string; brand: string; price: number; tags: string[]; description: string; page: string }
export interface Article { id: string; page: string; category: string; tags: string[]; title: string; paragraphs: string[]; products: string[] }
export const CATEGORIES: Category[];
export const BRANDS: Record<string, string>;
export const PRODUCTS: Product[];
export const ARTICLES: Article[];
