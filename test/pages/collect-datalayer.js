// A shop's GA4 pushes before any tag manager or OneToOne has loaded.
window.dataLayer = window.dataLayer || [];
window.dataLayer.push({ event: 'gtm.js' });
window.dataLayer.push({ event: 'view_item', ecommerce: { currency: 'EUR', value: 300, items: [{ item_id: 'dl-1', item_category: 'Tents', item_brand: 'Ridge', price: 300 }] } });
